import { Decoder, type Packet, PacketType } from 'socket.io-parser';

/**
 * socket.io's packet encoder for a protocol without binary payloads: the same text format as the
 * default encoder, without its search for binary data. That search walks every key of every
 * packet (an ack, a batch of teammates' actions with their alert snapshots) before it is
 * stringified; at 5,000 actions a second it cost more than a percent of the server thread, for
 * nothing: every event of this protocol is JSON (contracts/realtime.schema.ts).
 */
export class JsonPacketEncoder {
  encode(packet: Packet): string[] {
    if (packet.type === PacketType.BINARY_EVENT || packet.type === PacketType.BINARY_ACK) {
      throw new Error('binary packets are not part of the SOC Drill protocol');
    }
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) text += String(packet.id);
    if (packet.data !== undefined && packet.data !== null) text += JSON.stringify(packet.data);
    return [text];
  }
}

/** The `parser` option of the socket.io server: this encoder, the default decoder. */
export const jsonPacketParser = { Encoder: JsonPacketEncoder, Decoder };
