import { Anonymiser, ImportMappingSchema } from './import-mapping.js';

const anonymiser = (mapping: unknown = {}): Anonymiser => new Anonymiser(ImportMappingSchema.parse(mapping));

describe('Anonymiser', () => {
  it('renames private addresses into the internal range as assets, public ones into RFC 5737, the same way every time', () => {
    const a = anonymiser();
    expect(a.text('192.168.0.2 talked to 8.8.4.4 and 10.1.1.1')).toBe('10.20.0.10 talked to 192.0.2.1 and 10.20.0.11');
    expect(a.value({ src: '10.1.1.1', url: 'http://8.8.4.4/x', nested: ['192.168.0.2:443'] })).toEqual({
      src: '10.20.0.11',
      url: 'http://192.0.2.1/x',
      nested: ['10.20.0.10:443'],
    });
    expect(a.assetForMapped('10.20.0.10')).toBe('host-1');
    expect(a.report().map((r) => [r.kind, r.from, r.to, r.asset ?? null])).toEqual([
      ['private-address', '192.168.0.2', '10.20.0.10', 'host-1'],
      ['public-address', '8.8.4.4', '192.0.2.1', null],
      ['private-address', '10.1.1.1', '10.20.0.11', 'host-2'],
    ]);
  });

  it('keeps addresses that name nobody, and what is not an address', () => {
    const a = anonymiser();
    const kept = '127.0.0.1 0.0.0.0 224.0.0.251 255.255.255.255 198.51.100.7 169.254.3.3 version 10.0.17763.1 at 08:54:06 Chrome/91.0.4472.124 300.1.1.1';
    expect(a.text(kept)).toBe(kept);
    expect(a.report()).toEqual([]);
  });

  it('renames domains to .example with functional labels kept and any other label hidden, URL-encoded or in an e-mail address', () => {
    const a = anonymiser();
    expect(a.text('GET http://www.evil-site.com/a?r=%2fmail.evil-site.com')).toBe('GET http://www.site-1.example/a?r=%2fmail.site-1.example');
    expect(a.text('host-90-236-3-35.mobileonline.telia.com')).toBe('host-1.site-2.example');
    expect(a.text('admin@portal.tinh.gov.vn and cmd.exe, index.php, www.example.com')).toBe(
      'admin@portal.site-3.example and cmd.exe, index.php, www.example.com',
    );
    expect(a.text('MXS01.azsentinel.local')).toBe('host-2.site-4.example');
  });

  it('follows the mapping file: named assets with new addresses, explicit renames, kept values and literal names', () => {
    const a = anonymiser({
      assets: [{ address: '192.168.0.2', asset: 'portal-web', newAddress: '10.20.1.20' }],
      addresses: { '8.8.8.8': 'keep', '45.148.10.81': '203.0.113.66' },
      domains: { 'evil.com': 'attacker.example', 'gov.vn': 'keep' },
      names: { WORKSTATION5: 'WS-KETOAN-05' },
    });
    expect(a.text('192.168.0.2 8.8.8.8 45.148.10.81 www.evil.com WORKSTATION5 portal.gov.vn')).toBe(
      '10.20.1.20 8.8.8.8 203.0.113.66 www.attacker.example WS-KETOAN-05 portal.gov.vn',
    );
    expect(a.assetForMapped('10.20.1.20')).toBe('portal-web');
    // A renamed address never collides with a reserved one.
    expect(a.text('192.168.9.9')).toBe('10.20.0.10');
  });

  it('renames IPv6: public into 2001:db8::/32, unique-local into fd00:5ec::/64, link-local kept', () => {
    const a = anonymiser();
    expect(a.text('2a00:1450:4001:82b::200e fd12:3456::1 fe80::1 ::1')).toBe('2001:db8::1 fd00:5ec::1 fe80::1 ::1');
  });
});
