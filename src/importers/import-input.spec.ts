import { readInputItems, type InputItem } from './import-input.js';

async function items(...chunks: string[]): Promise<InputItem[]> {
  const source = chunks.map((chunk) => new TextEncoder().encode(chunk));
  const out: InputItem[] = [];
  for await (const item of readInputItems(source)) out.push(item);
  return out;
}

describe('readInputItems', () => {
  it('cuts a JSON array into its elements with their line numbers, across chunk boundaries and strings with brackets', async () => {
    const result = await items('[\n  {"a": "x]},{"}', ',\n  {"b": [1,\n2]}\n, 3\n]\n');
    expect(result).toEqual([
      { kind: 'value', line: 2, value: { a: 'x]},{' } },
      { kind: 'value', line: 3, value: { b: [1, 2] } },
      { kind: 'value', line: 5, value: 3 },
    ]);
  });

  it('reads JSON lines, counting blank lines and CRLF, and reports a broken line without stopping', async () => {
    const result = await items('{"a":1}\r\n\n{"b":\n{"c":3}\n');
    expect(result.map((i) => [i.kind, i.line])).toEqual([
      ['value', 1],
      ['malformed', 3],
      ['value', 4],
    ]);
  });

  it("reads Zeek's TSV with its types, unset and empty fields and sets", async () => {
    const tsv =
      '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tid.orig_h\tid.resp_p\tservice\ttunnel_parents\tlocal_orig\n#types\ttime\taddr\tport\tstring\tset[string]\tbool\n1588205198.5\t10.0.1.4\t53\t-\t(empty)\tT\n';
    expect(await items(tsv)).toEqual([
      { kind: 'value', line: 8, value: { _path: 'conn', ts: 1588205198.5, 'id.orig_h': '10.0.1.4', 'id.resp_p': 53, tunnel_parents: [], local_orig: true } },
    ]);
  });

  it('refuses a binary file from its first block', async () => {
    await expect(items('PK\u0003\u0004\u0000\u0000binary')).rejects.toMatchObject({ code: 'IMPORT_BINARY' });
  });
});
