import { Encoder, PacketType, type Packet } from 'socket.io-parser';
import { JsonPacketEncoder } from './json-packet-parser.js';

describe('JsonPacketEncoder', () => {
  const packets: Packet[] = [
    { type: PacketType.CONNECT, nsp: '/exercises', data: { sid: 'abc' } },
    { type: PacketType.CONNECT, nsp: '/' },
    { type: PacketType.DISCONNECT, nsp: '/exercises' },
    { type: PacketType.EVENT, nsp: '/exercises', data: ['team:actions', [{ exerciseId: 'e', teamId: 't', action: { seq: 1, text: 'ghi chú "trích" \\ \u2028' } }]] },
    { type: PacketType.EVENT, nsp: '/', data: ['exercise:clock', { status: 'running', speed: 1.5 }], id: 7 },
    { type: PacketType.ACK, nsp: '/exercises', id: 42, data: [{ data: { actionId: 'a', seq: 3, applied: true } }] },
    { type: PacketType.ACK, nsp: '/exercises', id: 0, data: [{ error: { code: 'EXERCISE_PAUSED', message: 'Tạm dừng' } }] },
    { type: PacketType.CONNECT_ERROR, nsp: '/exercises', data: { message: 'AUTH_REQUIRED', data: { code: 'AUTH_REQUIRED' } } },
  ];

  it('writes exactly what the default encoder writes for every JSON packet', () => {
    const ours = new JsonPacketEncoder();
    const theirs = new Encoder();
    for (const packet of packets) expect(ours.encode(packet)).toEqual(theirs.encode(packet));
  });

  it('refuses binary packets instead of mangling them', () => {
    expect(() => new JsonPacketEncoder().encode({ type: PacketType.BINARY_EVENT, nsp: '/', data: ['x', Buffer.from('y')] })).toThrow('binary packets');
  });
});
