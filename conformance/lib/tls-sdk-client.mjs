// The cloudflare SDK as a user runs it against Stepflow over HTTPS: in a process of its own, whose environment
// is what the start banner says to export (CLOUDFLARE_API_BASE_URL, CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID
// and, for a self-signed certificate, NODE_EXTRA_CA_CERTS, which Node reads only when a process starts).
// tests/tls.test.mjs runs it and reads the one JSON line it prints.
//
//   node tls-sdk-client.mjs run WORKFLOW INSTANCE    create the workflow and an instance, pause it, read it
//   node tls-sdk-client.mjs list                     list the workflows (to see a certificate refused)
import Cloudflare from 'cloudflare';

const [mode, workflow_name, instance_id] = process.argv.slice(2);
const account_id = process.env.CLOUDFLARE_ACCOUNT_ID;
const client = new Cloudflare({
  apiToken: process.env.CLOUDFLARE_API_TOKEN,
  baseURL: process.env.CLOUDFLARE_API_BASE_URL,
  maxRetries: 0,
  timeout: 15_000,
});

const print = (value) => console.log(JSON.stringify(value));

try {
  if (mode === 'list') {
    const page = await client.workflows.list({ account_id });
    print({ ok: true, names: page.result.map((w) => w.name) });
  } else if (mode === 'run') {
    const workflow = await client.workflows.update(workflow_name, {
      account_id, class_name: 'Scripted', script_name: 'tls',
    });
    const created = await client.workflows.instances.create(workflow_name, {
      account_id, instance_id,
      params: { steps: [{ do: 'prepare', output: { ready: true } }, { waitForEvent: 'approval', type: 'go' }] },
    });
    const paused = await client.workflows.instances.status.edit(instance_id, { account_id, workflow_name, status: 'pause' });
    let got;
    for (let i = 0; i < 150; i++) { // 30 s at most
      got = await client.workflows.instances.get(instance_id, { account_id, workflow_name });
      if (got.status === 'paused') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    print({ ok: true, workflow: workflow.name, created: created.id, paused: paused.status, status: got.status });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (error) {
  // the certificate error is the cause of the SDK's connection error, or the cause's cause
  const causes = [];
  for (let e = error; e; e = e.cause) causes.push(`${e.name ?? ''} ${e.code ?? ''} ${e.message ?? ''}`.trim());
  print({ ok: false, error: causes.join(' <- ') });
  process.exitCode = 1;
}
