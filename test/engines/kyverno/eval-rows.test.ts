// `kpc eval` rows from Kyverno policies: one row per resource × computed rule, autogen rules
// included, control/pssCheck from the policy labels, no-response → skip, unsupported → error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kyvernoEvalRows } from '../../../src/engines/kyverno/index.ts';
import type { LoadedObject } from '../../../src/util/eval-row.ts';

const obj = (value: Record<string, unknown>, file = 'x.yaml'): LoadedObject => ({ file, line: 1, value });

const policy = obj(
  {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'disallow-host-network', labels: { 'kube-policy-compiler/control': 'host-network', 'kube-policy-compiler/pss-check': 'hostNamespaces' } },
    spec: {
      rules: [
        {
          name: 'host-network',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          validate: { failureAction: 'Enforce', message: 'hostNetwork is forbidden', pattern: { spec: { '=(hostNetwork)': false } } },
        },
        {
          name: 'time-check',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          validate: { deny: { conditions: { any: [{ key: '{{ time_now() }}', operator: 'Equals', value: 'x' }] } } },
        },
      ],
    },
  },
  'policy.yaml',
);

const pod = (name: string, hostNetwork: boolean) => obj({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { hostNetwork, containers: [{ name: 'c', image: 'nginx' }] } }, 'pods.yaml');

test('rows per resource × rule with labels, defaults and verdicts', () => {
  const rows = kyvernoEvalRows([policy], [pod('ok', false), pod('bad', true)]);
  assert.is(rows.length, 4);
  const [okRow, okTime, badRow] = rows;
  assert.equal(
    { ...okRow, message: undefined },
    { file: 'pods.yaml', kind: 'Pod', namespace: 'default', name: 'ok', engine: 'kyverno', policy: 'disallow-host-network', rule: 'host-network', control: 'host-network', pssCheck: 'hostNamespaces', verdict: 'pass', message: undefined },
  );
  assert.is(okTime!.verdict, 'error');
  assert.match(okTime!.message, /^unsupported: /);
  assert.is(badRow!.verdict, 'fail');
  assert.match(badRow!.message, 'hostNetwork is forbidden');
});

test('autogen rules give rows for controllers; unmatched kinds give skip rows', () => {
  const deploy = obj({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'apps' },
    spec: { template: { spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  const rows = kyvernoEvalRows([policy], [deploy]);
  const hn = rows.find((r) => r.rule === 'autogen-host-network');
  assert.ok(hn);
  assert.is(hn!.verdict, 'fail');
  assert.is(hn!.namespace, 'apps');
  const ns = obj({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
  const nsRows = kyvernoEvalRows([policy], [ns]);
  assert.ok(nsRows.length > 0);
  for (const r of nsRows) {
    assert.is(r.verdict, 'skip');
    assert.match(r.message, /^no response/);
    assert.is(r.namespace, null);
  }
});

test('a policy that cannot be loaded gives an error row per resource', () => {
  const broken = obj({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'broken' }, spec: { rules: 'nope' } });
  const rows = kyvernoEvalRows([broken], [pod('p', false)]);
  assert.is(rows.length, 1);
  assert.is(rows[0]!.verdict, 'error');
  assert.is(rows[0]!.policy, 'broken');
});

test('namespaceSelector reads the labels of Namespace objects given as resources', () => {
  const selective = obj({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'ns-selected' },
    spec: {
      rules: [
        {
          name: 'no-host-network',
          match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { enforce: 'yes' } } } }] },
          validate: { message: 'no', pattern: { spec: { '=(hostNetwork)': false } } },
        },
      ],
    },
  });
  const inNs = (ns: string) => obj({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] } });
  const ns = (name: string, labels: Record<string, string>) => obj({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const rows = kyvernoEvalRows([selective], [inNs('a'), inNs('b'), inNs('c'), ns('a', { enforce: 'yes' }), ns('b', { enforce: 'no' })]);
  const verdict = (n: string) => rows.find((r) => r.kind === 'Pod' && r.namespace === n)!.verdict;
  assert.is(verdict('a'), 'fail');
  assert.is(verdict('b'), 'skip');
  assert.is(verdict('c'), 'skip');
});

test.run();
