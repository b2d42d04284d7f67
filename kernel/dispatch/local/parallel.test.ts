import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LocalDispatcher } from './local-dispatcher';
import { recorder, freshDispatcher, shellSpec, type Sandbox } from './test-support';

let box: Sandbox;
let d: LocalDispatcher;

freshDispatcher((b, x) => {
  box = b;
  d = x;
});

it('runs 50 jobs in parallel; each completes with its own output, code and events', async () => {
  const ids = Array.from({ length: 50 }, (_, i) => `run1.par${i}.1`);
  const recs = ids.map(() => recorder());
  const statuses = await Promise.all(
    ids.map((id, i) =>
      d.submit(
        shellSpec(id, join(box.work, id), `sleep 0.$((${i} % 5)); echo job ${i}; echo '{"type":"metric","name":"i","value":${i}}' >> "$SGR_EVENTS_FILE"; echo ${i} > out.txt; exit $((${i} % 4))`, {
          outputs: { out: 'out.txt' },
        }),
        recs[i],
      ),
    ),
  );
  expect(new Set(statuses.map((s) => s.pid)).size).toBe(50);
  const done = await Promise.all(ids.map((id) => d.wait(id)));
  expect(done.map((s) => s.exitCode)).toEqual(ids.map((_, i) => i % 4));
  expect(recs.map((r) => r.stdout)).toEqual(ids.map((_, i) => `job ${i}\n`));
  expect(recs.map((r) => r.events)).toEqual(ids.map((_, i) => [{ type: 'metric', name: 'i', value: i }]));
  const results = await Promise.all(ids.map((id) => d.collect(id)));
  const contents = await Promise.all(results.map((r) => readFile(r.files.out!, 'utf8')));
  expect(contents).toEqual(ids.map((_, i) => `${i}\n`));
});
