import { canonicalJson, scoId, uuidV5 } from './stix-ids.js';
import { observableKey, patternString, stixObservables, stixPattern } from './stix-patterns.js';

describe('STIX patterns and observables', () => {
  it('escapes only backslash and quote in pattern strings', () => {
    expect(patternString("it's")).toBe("'it\\'s'");
    expect(patternString('C:\\inetpub\\wwwroot')).toBe("'C:\\\\inetpub\\\\wwwroot'");
    expect(patternString("a\\'b")).toBe("'a\\\\\\'b'");
  });

  it('builds a pattern for each observable type it can express', () => {
    expect(stixPattern({ type: 'ip', value: ' 203.0.113.7 ' })).toBe("[ipv4-addr:value = '203.0.113.7']");
    expect(stixPattern({ type: 'ip', value: '198.51.100.0/24' })).toBe("[ipv4-addr:value = '198.51.100.0/24']");
    expect(stixPattern({ type: 'ip', value: '2001:db8::1' })).toBe("[ipv6-addr:value = '2001:db8::1']");
    expect(stixPattern({ type: 'ip', value: 'not-an-ip' })).toBeNull();
    expect(stixPattern({ type: 'domain', value: 'Evil.Example' })).toBe("[domain-name:value = 'evil.example']");
    expect(stixPattern({ type: 'url', value: "http://x.example/a?q='1'&b=\\" })).toBe("[url:value = 'http://x.example/a?q=\\'1\\'&b=\\\\']");
    expect(stixPattern({ type: 'hash-md5', value: 'ABC' })).toBe("[file:hashes.MD5 = 'abc']");
    expect(stixPattern({ type: 'hash-sha1', value: 'ab' })).toBe("[file:hashes.'SHA-1' = 'ab']");
    expect(stixPattern({ type: 'hash-sha256', value: 'ab' })).toBe("[file:hashes.'SHA-256' = 'ab']");
    expect(stixPattern({ type: 'file-path', value: 'C:\\inetpub\\owa\\auth\\ohyeah.aspx' })).toBe(
      "[file:name = 'ohyeah.aspx' AND file:parent_directory_ref.path = 'C:\\\\inetpub\\\\owa\\\\auth']",
    );
    expect(stixPattern({ type: 'file-path', value: 'shell.php' })).toBe("[file:name = 'shell.php']");
    expect(stixPattern({ type: 'process', value: 'cmd.exe /c whoami' })).toBe("[process:command_line = 'cmd.exe /c whoami']");
    expect(stixPattern({ type: 'process', value: 'w3wp.exe' })).toBe("[process:image_ref.name = 'w3wp.exe']");
    expect(stixPattern({ type: 'account', value: 'admin' })).toBe("[user-account:account_login = 'admin']");
    expect(stixPattern({ type: 'email', value: 'A@B.example' })).toBe("[email-addr:value = 'a@b.example']");
    expect(stixPattern({ type: 'user-agent', value: 'sqlmap/1.7' })).toBe(
      "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'sqlmap/1.7']",
    );
    expect(stixPattern({ type: 'registry-key', value: 'HKEY_LOCAL_MACHINE\\Software\\Run' })).toBe(
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Run']",
    );
    expect(stixPattern({ type: 'cve', value: 'CVE-2021-44228' })).toBeNull();
  });

  it('computes UUIDv5 as RFC 4122 does (the DNS namespace example)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives cyber-observables the ids STIX 2.1 defines (UUIDv5 of the canonical id-contributing properties)', () => {
    expect(canonicalJson({ b: 1, a: { d: 'x', c: 'y' } })).toBe('{"a":{"c":"y","d":"x"},"b":1}');
    const [ip] = stixObservables({ type: 'ip', value: '203.0.113.7' });
    expect(ip).toEqual({ type: 'ipv4-addr', spec_version: '2.1', id: scoId('ipv4-addr', { value: '203.0.113.7' }), value: '203.0.113.7' });
    const [file, dir] = stixObservables({ type: 'file-path', value: '/var/www/shell.php' });
    expect(dir).toMatchObject({ type: 'directory', path: '/var/www' });
    expect(file).toMatchObject({ type: 'file', name: 'shell.php', parent_directory_ref: dir!.id });
    expect(stixObservables({ type: 'user-agent', value: 'curl' })).toEqual([]);
  });

  it('treats the same IOC written differently as one', () => {
    expect(observableKey({ type: 'domain', value: 'EVIL.example ' })).toBe(observableKey({ type: 'domain', value: 'evil.example' }));
    expect(observableKey({ type: 'url', value: 'http://a/B' })).not.toBe(observableKey({ type: 'url', value: 'http://a/b' }));
  });
});
