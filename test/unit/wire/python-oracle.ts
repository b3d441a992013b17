import { spawnSync } from 'node:child_process';

/*
 * The machine's python3 as an oracle: ONE process answers a whole batch of questions,
 * one request per line (`kind<TAB>arg<TAB>arg`, arguments hex or base64 so any bytes
 * pass), one answer per line, in order.
 */

const SCRIPT = String.raw`
import sys, json, base64, struct, datetime

EPOCH = datetime.datetime(1970, 1, 1)

def b64(s):
    return base64.b64decode(s)

def utf16(h):
    return bytes.fromhex(h).decode('utf-16-be', 'surrogatepass')

def micros_of(td):
    return (td.days * 86400 + td.seconds) * 10**6 + td.microseconds

def kadabra_roundtrip(raw):
    # Kadabra 0.5.0: json.dumps(Metrics.deserialize(json.loads(raw)).serialize())
    value = json.loads(raw)
    fmt = value['timestamp_format']
    def ts(s):
        return datetime.datetime.strptime(s, fmt).strftime(fmt)
    def timer(t):
        unit = {'name': t['unit']['name'], 'seconds_offset': t['unit']['seconds_offset']}
        td = datetime.timedelta(seconds=t['value'] / unit['seconds_offset'])
        return {'name': t['name'], 'unit': unit, 'metadata': t['metadata'], 'timestamp': ts(t['timestamp']),
                'value': td.total_seconds() * unit['seconds_offset']}
    return json.dumps({
        'dimensions': [{'name': d['name'], 'value': d['value']} for d in value['dimensions']],
        'counters': [{'name': c['name'], 'metadata': c['metadata'], 'timestamp': ts(c['timestamp']),
                      'value': float(c['value'])} for c in value['counters']],
        'timers': [timer(t) for t in value['timers']],
        'timestamp_format': fmt,
        'serialized_at': value['serialized_at'],
    })

def answer(kind, args):
    if kind == 'float':
        return repr(struct.unpack('>d', bytes.fromhex(args[0]))[0])
    if kind == 'str':
        return json.dumps(utf16(args[0]))
    if kind == 'td':
        ms = struct.unpack('>d', bytes.fromhex(args[0]))[0]
        return str(micros_of(datetime.timedelta(milliseconds=ms)))
    if kind == 'strftime':
        dt = EPOCH + datetime.timedelta(microseconds=int(args[0]))
        return base64.b64encode(dt.strftime(b64(args[1]).decode()).encode()).decode()
    if kind == 'strptime':
        try:
            dt = datetime.datetime.strptime(b64(args[0]).decode(), b64(args[1]).decode())
        except ValueError:
            return 'ERR'
        if dt.tzinfo is not None:
            dt = dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return str(micros_of(dt - EPOCH))
    if kind == 'message':
        raw = b64(args[0]).decode('ascii')
        if json.dumps(json.loads(raw)) != raw:
            return 'FAIL json.dumps(json.loads(b)) != b: ' + json.dumps(json.loads(raw))
        again = kadabra_roundtrip(raw)
        if again != raw:
            return 'FAIL Kadabra deserialize/serialize changed it: ' + again
        return 'ok'
    raise ValueError('unknown kind ' + kind)

out = []
for line in sys.stdin.read().split('\n'):
    if not line:
        continue
    kind, *args = line.split('\t')
    try:
        out.append(answer(kind, args))
    except Exception as e:
        out.append('EXC ' + type(e).__name__ + ': ' + str(e).replace('\n', ' '))
sys.stdout.write('\n'.join(out) + '\n')
`;

/** One question for the oracle. */
export interface PythonRequest {
  kind: 'float' | 'str' | 'td' | 'strftime' | 'strptime' | 'message';
  args: string[];
}

/**
 * Asks python3 every question in one process.
 *
 * @returns The answers, in request order.
 */
export function askPython(requests: readonly PythonRequest[]): string[] {
  const input = requests.map((r) => [r.kind, ...r.args].join('\t')).join('\n') + '\n';
  const result = spawnSync('python3', ['-c', SCRIPT], { input, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`python3 could not be run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}): ${result.stderr}`);
  const lines = result.stdout.split('\n');
  lines.pop();
  if (lines.length !== requests.length) {
    throw new Error(`python3 answered ${lines.length} of ${requests.length} requests: ${result.stderr}`);
  }
  return lines;
}

/** The IEEE-754 bits of a double as 16 hex digits (exact transport of any double). */
export function doubleHex(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** A string's UTF-16 code units as big-endian hex (lone surrogates survive). */
export function utf16Hex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += 1) out += s.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}

/** Base64 of a string's UTF-8 bytes. */
export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}
