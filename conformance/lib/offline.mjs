// Shared by the offline self-test and the drivers: the host that deliberate probes of the offline nets use,
// and the records of the tripwire log. The host is under .invalid (RFC 6761), so it never resolves; the
// guard refuses it before any look-up, and scripts/conformance ignores records that name it.
import fs from 'node:fs';

export const SELFTEST_HOST = 'tripwire-selftest.invalid';

/** Every record of the tripwire log so far (tripwire and offline guard). */
export function tripwireRecords() {
  const text = fs.readFileSync(process.env.STEPFLOW_TRIPWIRE_LOG, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line));
}
