import { fixtureScenario, text } from './engine-fixtures.js';
import { fillPlaceholders, generateNoise } from './noise-generator.js';

const scenario = fixtureScenario({
  noise: [
    {
      id: 'scan',
      count: 25,
      between: ['10m', '1h'],
      vars: {
        ip: { ipv4In: '198.51.100.0/24' },
        port: { int: [1000, 1005] },
        ua: { pick: ['curl/8.0', 'Nmap'] },
        h: { hex: 12 },
      },
      template: {
        layer: 2,
        sensor: 'ids',
        severity: 'low',
        title: { vi: 'Quét từ {{ip}}', en: 'Scan from {{ip}}' },
        description: text('Port {{port}} probed by {{ua}} ({{missing}})'),
        phase: 'recon',
        observables: [{ type: 'ip', value: '{{ip}}', role: 'attacker' }],
        raw: 'src={{ip}} dpt={{port}} id={{h}}',
        fields: { 'source.ip': '{{ip}}', 'destination.port': '{{port}}', 'event.kind': 'alert', 'x.flag': true },
        rule: { name: 'Scan {{ua}}', id: 'r-{{h}}' },
        answer: { verdict: 'false-positive', severity: 'low' },
      },
    },
    {
      id: 'login',
      count: 3,
      between: [0, 60],
      template: {
        layer: 1,
        sensor: 'auth-log',
        severity: 'low',
        title: text('Login'),
        description: text('Login'),
        answer: { verdict: 'benign', severity: 'low' },
      },
    },
  ],
});

describe('generateNoise', () => {
  it('numbers ids per generator in due order and keeps times inside `between` on whole seconds', () => {
    const noise = generateNoise(scenario, 1);
    expect(noise).toHaveLength(28);
    const scan = noise.filter((n) => n.generatorId === 'scan');
    expect(scan.map((n) => n.id)).toEqual(Array.from({ length: 25 }, (_, i) => `scan-${i + 1}`));
    for (let i = 0; i < scan.length; i += 1) {
      expect(scan[i].dueMs % 1000).toBe(0);
      expect(scan[i].dueMs).toBeGreaterThanOrEqual(600_000);
      expect(scan[i].dueMs).toBeLessThanOrEqual(3_600_000);
      if (i > 0) expect(scan[i].dueMs).toBeGreaterThanOrEqual(scan[i - 1].dueMs);
    }
    expect(noise.filter((n) => n.generatorId === 'login').map((n) => n.id)).toEqual(['login-1', 'login-2', 'login-3']);
  });

  it('fills every placeholder with one value per alert', () => {
    const [first] = generateNoise(scenario, 1);
    const alert = first.alert;
    const ip = alert.observables[0].value;
    expect(ip).toMatch(/^198\.51\.100\.\d+$/);
    expect(alert.title).toEqual({ vi: `Quét từ ${ip}`, en: `Scan from ${ip}` });
    expect(alert.description.en).toMatch(/^Port 100[0-5] probed by (curl\/8\.0|Nmap) \(\{\{missing\}\}\)$/);
    expect(alert.raw).toMatch(new RegExp(`^src=${ip.replace(/\./g, '\\.')} dpt=100[0-5] id=[0-9a-f]{12}$`));
    expect(alert.fields?.['source.ip']).toBe(ip);
    expect(typeof alert.fields?.['destination.port']).toBe('number');
    expect(alert.fields?.['x.flag']).toBe(true);
    expect(alert.rule?.name).toMatch(/^Scan (curl\/8\.0|Nmap)$/);
    expect(alert.rule?.id).toMatch(/^r-[0-9a-f]{12}$/);
    expect(alert.answer).toEqual({ verdict: 'false-positive', severity: 'low', routing: [], incident: null });
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = JSON.stringify(generateNoise(scenario, 1));
    expect(JSON.stringify(generateNoise(scenario, 1))).toBe(a);
    expect(JSON.stringify(generateNoise(scenario, '1'))).toBe(a);
    expect(JSON.stringify(generateNoise(scenario, 2))).not.toBe(a);
  });

  it('keeps one generator stable when another is added', () => {
    const alone = fixtureScenario({ noise: [scenario.noise[1]] });
    const login = (s: typeof scenario): string => JSON.stringify(generateNoise(s, 5).filter((n) => n.generatorId === 'login'));
    expect(login(alone)).toBe(login(scenario));
  });

  it('leaves unknown placeholders and tolerates spaces in braces', () => {
    expect(fillPlaceholders('{{ a }}-{{b}}-{{c}}', { a: 1, b: 'x' })).toBe('1-x-{{c}}');
  });
});
