// Reference solution for lesson 04. One correct way among many: the checks accept any
// implementation with the same behaviour.
import dgram from 'node:dgram';

export function createEchoServer(): dgram.Socket {
  const socket = dgram.createSocket('udp4');
  // Each 'message' is one whole datagram. Send the same Buffer back to its sender, from this
  // socket, so the reply comes from the address and port the client sent to.
  socket.on('message', (message, rinfo) => {
    socket.send(message, rinfo.port, rinfo.address);
  });
  return socket;
}

export interface RequestOptions {
  timeoutMs: number;
  tries: number;
}

export function request(port: number, host: string, message: Buffer, options: RequestOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;

    // Settle once, and leave nothing behind: no timer, no open socket.
    const finish = (err: Error | null, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply as Buffer);
    };

    const attempt = () => {
      if (sent === options.tries) {
        finish(Object.assign(new Error(`no reply from ${host}:${port} after ${sent} tries`), { code: 'ETIMEDOUT' }));
        return;
      }
      sent++;
      // The send callback is the only place a failed send is reported (EMSGSIZE).
      socket.send(message, (err) => {
        if (err) finish(err);
      });
      timer = setTimeout(attempt, options.timeoutMs);
    };

    // A connected socket only receives datagrams from host:port, and is told when nothing
    // listens there (ECONNREFUSED arrives as an 'error').
    socket.on('message', (reply) => finish(null, reply));
    socket.on('error', (err) => finish(err));
    socket.connect(port, host, attempt);
  });
}
