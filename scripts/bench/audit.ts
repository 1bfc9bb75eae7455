// `kpc audit` on generated manifests trees of 1k, 10k and 100k workloads (KPC_BENCH_AUDIT_SIZES to
// change them): workloads/s and peak RSS of the command run as a child process (`--stats`), to show
// that throughput stays flat (linear time) and so does memory. Trees look like a GitOps repo: one
// folder per namespace, multi-document files (Deployments, StatefulSets, CronJobs… with a Service
// and a ConfigMap), pod specs drawn from a pool of realistic variants (compliant, missing a seccomp
// profile, privileged, hostPath, unpinned…), every workload with its own name.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Bench, BenchFigure } from './types.ts';

const NAMESPACES = ['payments', 'storefront', 'analytics', 'legacy-batch', 'node-agents', 'tools'];
const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Deployment', 'Deployment', 'Pod'];
const WORKLOADS_PER_FILE = 4;

const restrictedContainer = (name: string, image: string) => `      - name: ${name}
        image: ${image}
        ports:
        - containerPort: 8080
          name: http
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        livenessProbe:
          httpGet: {path: /healthz, port: http}`;

/** Pod specs (indented for a template at 4 spaces), from compliant to badly broken. */
const POD_SPECS: readonly string[] = [
  `      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
${restrictedContainer('app', 'registry.example.com/shop/api:2.14.1')}`,
  `      securityContext:
        runAsNonRoot: true
      containers:
${restrictedContainer('app', 'registry.example.com/shop/web:1.9.0')}`,
  `      containers:
      - name: app
        image: nginx:latest
        securityContext:
          privileged: true`,
  `      hostNetwork: true
      containers:
      - name: agent
        image: registry.example.com/infra/agent:0.3.2
        volumeMounts:
        - {name: host, mountPath: /host}
      volumes:
      - name: host
        hostPath: {path: /, type: Directory}`,
  `      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      initContainers:
      - name: migrate
        image: registry.example.com/shop/migrate:2.14.1
        securityContext:
          allowPrivilegeEscalation: true
      containers:
${restrictedContainer('app', 'registry.example.com/shop/worker:2.14.1')}`,
  `      containers:
      - name: app
        image: registry.example.com/tools/debug
        securityContext:
          capabilities:
            add: ["NET_ADMIN", "SYS_TIME"]`,
];

function workload(kind: string, name: string, namespace: string, spec: string): string {
  const labels = `app.kubernetes.io/name: ${name}\n    app.kubernetes.io/part-of: shop`;
  const template = `  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: ${name}\n    spec:\n${spec.replace(/^ {6}/gm, '      ')}`;
  const head = (apiVersion: string) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  labels:\n    ${labels}\n`;
  switch (kind) {
    case 'Pod':
      return `${head('v1')}spec:\n${spec.replace(/^ {6}/gm, '  ')}\n`;
    case 'Job':
      return `${head('batch/v1')}spec:\n${template}\n      restartPolicy: OnFailure\n`;
    case 'CronJob':
      return `${head('batch/v1')}spec:\n  schedule: "*/10 * * * *"\n  jobTemplate:\n    spec:\n${template.replace(/^/gm, '    ')}\n          restartPolicy: OnFailure\n`;
    default:
      return `${head('apps/v1')}spec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n${template}\n`;
  }
}

/** Writes a tree of `count` workloads under `dir`; returns the number of files. */
export function generateTree(dir: string, count: number): number {
  let files = 0;
  for (let i = 0; i < count; i += WORKLOADS_PER_FILE) {
    const namespace = NAMESPACES[Math.floor(i / WORKLOADS_PER_FILE) % NAMESPACES.length]!;
    const folder = join(dir, namespace, `team-${Math.floor(i / 1000)}`);
    mkdirSync(folder, { recursive: true });
    const docs: string[] = [];
    for (let j = i; j < Math.min(i + WORKLOADS_PER_FILE, count); j++) {
      docs.push(workload(KINDS[j % KINDS.length]!, `svc-${j}`, namespace, POD_SPECS[(j * 7) % POD_SPECS.length]!));
    }
    docs.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: ${namespace}\nspec:\n  ports:\n  - port: 80\n    targetPort: http\n`);
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc-${i}-config\n  namespace: ${namespace}\ndata:\n  LOG_LEVEL: info\n`);
    writeFileSync(join(folder, `release-${i}.yaml`), `# Source: shop/templates/release.yaml\n${docs.join('---\n')}`);
    files++;
  }
  return files;
}

interface Stats {
  readonly workloads: number;
  readonly startupSeconds: number;
  readonly auditSeconds: number;
  readonly workloadsPerSecond: number;
  readonly maxRssMiB: number;
  readonly memo: { readonly hits: number; readonly misses: number };
}

function runAudit(root: string, dir: string, format: string): Stats {
  let stderr = '';
  try {
    execFileSync(process.execPath, [join(root, 'bin/kpc.mjs'), 'audit', dir, '--format', format, '--stats', '--root', root], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  } catch (error) {
    // exit 1: the trees hold failing workloads on purpose
    stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    if ((error as { status?: number }).status !== 1) throw error;
  }
  const line = stderr.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Stats;
}

export const bench: Bench = async () => {
  const root = resolve(import.meta.dirname, '../..');
  const sizes = (process.env.KPC_BENCH_AUDIT_SIZES ?? '1000,10000,100000').split(',').map(Number);
  const figures: BenchFigure[] = [];
  const runs: { size: number; stats: Stats }[] = [];
  const base = mkdtempSync(join(tmpdir(), 'kpc-audit-bench-'));
  try {
    for (const size of sizes) {
      const dir = join(base, `tree-${size}`);
      const files = generateTree(dir, size);
      const stats = runAudit(root, dir, 'json');
      runs.push({ size, stats });
      const detail = `${stats.workloads} workloads in ${files} files, --format json; ${stats.memo.misses} distinct pod specs × namespace evaluated, the rest memoized`;
      figures.push({ name: `kpc audit: workloads/s (${size} workloads)`, value: stats.workloadsPerSecond, unit: 'workloads/s', detail });
      figures.push({ name: `kpc audit: audit time (${size} workloads)`, value: stats.auditSeconds * 1000, unit: 'ms', detail: `after a startup of ${(stats.startupSeconds * 1000).toFixed(0)} ms (policies compiled, artifacts loaded into the engines)` });
      figures.push({ name: `kpc audit: peak RSS (${size} workloads)`, value: stats.maxRssMiB, unit: 'MiB', detail: 'whole process, build and engines included' });
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  // Linear scaling: the cost of each further workload, once the distinct pod specs are evaluated.
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [runs[i - 1]!, runs[i]!];
    const rate = (b.stats.workloads - a.stats.workloads) / (b.stats.auditSeconds - a.stats.auditSeconds);
    figures.push({ name: `kpc audit: marginal workloads/s (${a.size} → ${b.size})`, value: rate, unit: 'workloads/s', detail: 'extra workloads / extra audit time: flat when scaling is linear' });
  }
  return figures;
};
