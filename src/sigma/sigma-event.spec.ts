import { logsourceCovers, pathLookup, toSigmaEvent, xmlEventData } from './sigma-event.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

describe('Sigma event shapes and log sources', () => {
  it('reads flat Windows exports (OTRF): fields at the top, Sysmon 1 is process_creation', () => {
    const event = toSigmaEvent({ Channel: SYSMON, EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', Hostname: 'MXS01' });
    expect(event.shape).toBe('windows');
    expect(event.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'process_creation' });
    expect(event.lookup('Image')).toEqual({ present: true, value: 'C:\\Windows\\System32\\cmd.exe' });
    expect(event.lookup('CommandLine').present).toBe(false);
    expect(toSigmaEvent({ Channel: SYSMON, EventID: 11 }).logsource.category).toBe('file_event');
    expect(toSigmaEvent({ Channel: SYSMON, EventID: 10 }).logsource.category).toBe('process_access');
    expect(toSigmaEvent({ Channel: 'Security', EventID: 4688 }).logsource).toEqual({ product: 'windows', service: 'security', category: undefined });
  });

  it('reads EventData given as a JSON string or as XML (Azure Log Analytics export)', () => {
    const json = toSigmaEvent({ Channel: SYSMON, EventID: '1', EventData: JSON.stringify({ Image: 'C:\\x.exe', User: 'NT AUTHORITY\\SYSTEM' }) });
    expect(json.logsource.category).toBe('process_creation');
    expect(json.lookup('User').value).toBe('NT AUTHORITY\\SYSTEM');
    const xml = toSigmaEvent({
      Channel: 'Security',
      EventID: 4688,
      EventData: '<EventData xmlns="x">\r\n  <Data Name="NewProcessName">C:\\a&amp;b.exe</Data>\r\n  <Data Name="Empty" />\r\n</EventData>',
    });
    expect(xml.lookup('NewProcessName').value).toBe('C:\\a&b.exe');
    expect(xml.lookup('Empty')).toEqual({ present: true, value: '' });
    expect(xmlEventData('<Data Name="A">&lt;&#x41;&#66;&gt;</Data>')).toEqual({ A: '<AB>' });
  });

  it('reads the evtx-dump form (Event.System, Event.EventData) with Provider_Name', () => {
    const event = toSigmaEvent({
      Event: {
        System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: SYSMON },
        EventData: { Image: 'C:\\Windows\\System32\\cmd.exe' },
      },
    });
    expect(event.logsource.category).toBe('process_creation');
    expect(event.lookup('Image').value).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(event.lookup('Provider_Name').value).toBe('Microsoft-Windows-Sysmon');
    expect(event.lookup('EventID').value).toBe(1);
  });

  it('reads Winlogbeat events (winlog.event_data), falling back to ECS fields', () => {
    const event = toSigmaEvent({
      '@timestamp': '2024-01-01T00:00:00Z',
      winlog: { channel: SYSMON, event_id: '1', event_data: { CommandLine: 'whoami' } },
      process: { executable: 'C:\\Windows\\System32\\whoami.exe' },
    });
    expect(event.logsource.category).toBe('process_creation');
    expect(event.lookup('CommandLine').value).toBe('whoami');
    expect(event.lookup('Image').value).toBe('C:\\Windows\\System32\\whoami.exe');
  });

  it('reads Sysmon for Linux inside syslog', () => {
    const message =
      '<Event><System><Provider Name="Linux-Sysmon"/><EventID>1</EventID><Channel>Linux-Sysmon/Operational</Channel><Computer>UBUNTU5</Computer></System>' +
      '<EventData><Data Name="Image">/usr/bin/whoami</Data><Data Name="ParentImage">/bin/bash</Data></EventData></Event>';
    const event = toSigmaEvent({ SyslogMessage: message, ProcessName: 'sysmon' });
    expect(event.shape).toBe('linux-sysmon');
    expect(event.logsource).toEqual({ product: 'linux', service: 'sysmon', category: 'process_creation' });
    expect(event.lookup('Image').value).toBe('/usr/bin/whoami');
    expect(event.lookup('Computer').value).toBe('UBUNTU5');
  });

  it('reads web access logs with W3C field names as category webserver', () => {
    const event = toSigmaEvent({ 'cs-method': 'GET', 'cs-uri-stem': '/index.php', 'cs-uri-query': 'id=1', 'sc-status': 200 });
    expect(event.shape).toBe('webserver');
    expect(event.logsource).toEqual({ category: 'webserver' });
    expect(event.lookup('cs-uri-query').value).toBe('id=1');
    expect(event.strings()).toEqual(['GET', '/index.php', 'id=1', '200']);
  });

  it('maps Sigma names onto ECS fields per category', () => {
    const web = toSigmaEvent({
      ecs: { version: '8.11' },
      event: { category: ['web'] },
      url: { query: 'q=1' },
      http: { request: { method: 'GET' }, response: { status_code: 404 } },
      source: { ip: '10.0.0.1' },
    });
    expect(web.logsource.category).toBe('webserver');
    expect(web.lookup('cs-uri-query').value).toBe('q=1');
    expect(web.lookup('cs-method').value).toBe('GET');
    expect(web.lookup('sc-status').value).toBe(404);
    expect(web.lookup('c-ip').value).toBe('10.0.0.1');
    const process = toSigmaEvent({
      event: { category: ['process'], type: ['start'] },
      host: { os: { type: 'windows' } },
      process: { command_line: 'whoami', parent: { executable: 'C:\\w3wp.exe' } },
    });
    expect(process.logsource).toEqual({ category: 'process_creation', product: 'windows' });
    expect(process.lookup('CommandLine').value).toBe('whoami');
    expect(process.lookup('ParentImage').value).toBe('C:\\w3wp.exe');
    expect(process.lookup('process.command_line').value).toBe('whoami');
    const file = toSigmaEvent({ event: { category: 'file', type: 'creation' }, file: { path: 'C:\\inetpub\\wwwroot\\a.aspx' } });
    expect(file.logsource.category).toBe('file_event');
    expect(file.lookup('TargetFilename').value).toBe('C:\\inetpub\\wwwroot\\a.aspx');
  });

  it('finds dotted fields nested or flattened', () => {
    expect(pathLookup({ a: { b: { c: 1 } } }, 'a.b.c').value).toBe(1);
    expect(pathLookup({ 'a.b': { c: 2 } }, 'a.b.c').value).toBe(2);
    expect(pathLookup({ a: { 'b.c': 3 } }, 'a.b.c').value).toBe(3);
    expect(pathLookup({ a: 1 }, 'a.b').present).toBe(false);
  });

  it('lets a rule see only the events of its log source', () => {
    const proc = toSigmaEvent({ Channel: SYSMON, EventID: 1 });
    const netconn = toSigmaEvent({ Channel: SYSMON, EventID: 3 });
    const registry = toSigmaEvent({ Channel: SYSMON, EventID: 13 });
    const linux = toSigmaEvent({ SyslogMessage: '<Event><System><EventID>1</EventID><Channel>Linux-Sysmon/Operational</Channel></System></Event>' });
    const web = toSigmaEvent({ 'cs-method': 'GET' });
    const unknown = toSigmaEvent({ message: 'hello' });
    const ecsNoOs = toSigmaEvent({ event: { category: 'process', type: 'start' } });
    const winProc = { product: 'windows', category: 'process_creation' };
    expect(logsourceCovers(winProc, proc)).toBe(true);
    expect(logsourceCovers(winProc, netconn)).toBe(false);
    expect(logsourceCovers(winProc, linux)).toBe(false);
    expect(logsourceCovers({ product: 'linux', category: 'process_creation' }, linux)).toBe(true);
    expect(logsourceCovers(winProc, ecsNoOs)).toBe(true);
    expect(logsourceCovers({ product: 'windows', category: 'registry_event' }, registry)).toBe(true);
    expect(logsourceCovers({ product: 'windows', service: 'sysmon' }, netconn)).toBe(true);
    expect(logsourceCovers({ product: 'windows', service: 'security' }, netconn)).toBe(false);
    expect(logsourceCovers({ category: 'webserver' }, web)).toBe(true);
    expect(logsourceCovers({ category: 'webserver' }, proc)).toBe(false);
    expect(logsourceCovers({}, unknown)).toBe(true);
    expect(logsourceCovers({ category: 'webserver' }, unknown)).toBe(false);
    expect(logsourceCovers({ product: 'windows' }, unknown)).toBe(false);
  });
});
