// A recording TCP proxy between the service and PostgreSQL: it reads the extended-query protocol's
// Parse ('P') and Bind ('B') messages going to the server, so the EXPLAIN check gets every statement
// the service really sends, with real parameter values, however its SQL is assembled in the source.
// Used only in a short capture phase, never while throughput is measured.
import net from 'node:net';

export interface CapturedStatement {
  /** The prepared statement's name, or '' for an unnamed one. */
  name: string;
  text: string;
  /** Text-format parameter values of the first execution (null = SQL NULL); undefined if binary. */
  values: (string | null)[] | undefined;
  executions: number;
}

export interface Recorder {
  readonly port: number;
  statements(): CapturedStatement[];
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;

function cstring(buffer: Buffer, offset: number): [string, number] {
  const end = buffer.indexOf(0, offset);
  return [buffer.toString('utf8', offset, end), end + 1];
}

function parseBind(body: Buffer): { statement: string; values: (string | null)[] | undefined } {
  const [, afterPortal] = cstring(body, 0);
  const [statement, afterStatement] = cstring(body, afterPortal);
  let offset = afterStatement;
  const formatCount = body.readInt16BE(offset);
  offset += 2;
  const formats: number[] = [];
  for (let i = 0; i < formatCount; i++, offset += 2) formats.push(body.readInt16BE(offset));
  const paramCount = body.readInt16BE(offset);
  offset += 2;
  const values: (string | null)[] = [];
  let binary = false;
  for (let i = 0; i < paramCount; i++) {
    const length = body.readInt32BE(offset);
    offset += 4;
    const format = formatCount === 0 ? 0 : formatCount === 1 ? formats[0] : formats[i];
    if (format === 1) binary = true;
    if (length < 0) values.push(null);
    else {
      values.push(body.toString('utf8', offset, offset + length));
      offset += length;
    }
  }
  return { statement, values: binary ? undefined : values };
}

export async function startRecorder(targetHost: string, targetPort: number): Promise<Recorder> {
  const captured = new Map<string, CapturedStatement>();
  const sockets = new Set<net.Socket>();

  const handle = (client: net.Socket) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);

    let pending = Buffer.alloc(0);
    let untyped = true; // the startup (or SSL request) message has no type byte
    const named = new Map<string, string>(); // this connection's statement name → text
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (untyped) {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          pending = pending.subarray(length);
          untyped = code === SSL_REQUEST; // after an SSL request comes the real startup message
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) return;
        const type = String.fromCharCode(pending[0]!);
        const body = pending.subarray(5, 1 + length);
        pending = pending.subarray(1 + length);
        if (type === 'P') {
          const [name, offset] = cstring(body, 0);
          const [text] = cstring(body, offset);
          named.set(name, text);
        } else if (type === 'B') {
          const { statement, values } = parseBind(body);
          const text = named.get(statement);
          if (text === undefined) continue;
          const key = statement || text;
          const seen = captured.get(key);
          if (seen) seen.executions++;
          else captured.set(key, { name: statement, text, values, executions: 1 });
        }
      }
    });
  };

  const server = net.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    statements: () => [...captured.values()],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
