/** Where a CLI command writes and reads: the process, or a test's buffers and folder. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd: string;
  /** Where bundled drills are looked up by id (default: ./scenarios, then the package's own). */
  readonly scenarioDirs?: readonly string[];
}
