// The upstream PSA fixture corpus (kubernetes/pod-security-admission test/testdata), when present.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { conformancePath } from '../../skip.ts';
import { collectFiles } from '../../../src/util/files.ts';
import { readYamlObjects } from '../../../src/util/yaml.ts';
import { evaluatePod, runPsaConformance } from '../../../src/engines/psa/index.ts';

const corpus = conformancePath('psa');

if (corpus) {
  test('every fixture passes: pass allowed, fail forbidden with the generator substring', () => {
    const report = runPsaConformance(corpus);
    assert.equal(report.failures.slice(0, 5), []);
    assert.is(report.total, 4537);
    assert.is(report.passed, 4537);
    assert.is(report.skipped, 0);
  });

  test('latest and pins above v1.37 evaluate exactly as v1.37, showing the version as written', () => {
    for (const level of ['baseline', 'restricted']) {
      for (const file of collectFiles([join(corpus, level, 'v1.37')], { extensions: ['.yaml'] })) {
        const pod = readYamlObjects(file)[0]!.value;
        const pinned = evaluatePod(level, 'v1.37', pod);
        for (const version of ['latest', 'v1.38', 'v1.99']) {
          const other = evaluatePod(level, version, pod);
          assert.is(other.message, pinned.message, `${file} at ${version}`);
          assert.equal(other.results.map((r) => r.id), pinned.results.map((r) => r.id));
          assert.is(other.version, version);
          assert.is(other.effectiveVersion, 'v1.37');
        }
      }
    }
  });

  // Messages from ../shared/docs/psa.md §2.3, worked out from the check sources.
  const golden: [string, string][] = [
    [
      'restricted/v1.37/fail/allowprivilegeescalation3.yaml',
      'allowPrivilegeEscalation != false (container "container1" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "container1" must set securityContext.capabilities.drop=["ALL"])',
    ],
    ['restricted/v1.37/fail/runasnonroot0.yaml', 'runAsNonRoot != true (pod or containers "initcontainer1", "container1" must set securityContext.runAsNonRoot=true)'],
    [
      'baseline/v1.37/fail/windowshostprocess1.yaml',
      'host namespaces (hostNetwork=true), hostProcess (containers "initcontainer1", "container1" must not set securityContext.windowsOptions.hostProcess=true)',
    ],
    [
      'baseline/v1.37/fail/apparmorprofile0.yaml',
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/container1="unconfined"")',
    ],
    ['baseline/v1.18/fail/seccompprofile_baseline0.yaml', 'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")'],
  ];
  for (const [path, message] of golden) {
    test(`exact message: ${path}`, () => {
      const [level, version] = path.split('/') as [string, string];
      const pod = readYamlObjects(join(corpus, path))[0]!.value;
      assert.is(evaluatePod(level, version, pod).message, message);
    });
  }
}

test.run();
