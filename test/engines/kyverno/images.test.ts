// The `images` context variable and image_normalize(), against kyverno pkg/utils/image/infos_test.go,
// pkg/utils/api/image_test.go and pkg/engine/jmespath/functions_test.go (Test_ImageNormalize).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractImages, imageInfo } from '../../../src/engines/kyverno/images.ts';
import { kyvernoFunctions } from '../../../src/engines/kyverno/jmespath-functions.ts';
import { search } from '../../../src/engines/jmespath/index.ts';
import { evaluate, loadPolicy } from '../../../src/engines/kyverno/index.ts';

const SHA = 'sha256:dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f';

// Test_GetImageInfo (default registry docker.io, mutation enabled): [image, name, path, registry, tag, digest, String()]
const infos: [string, string, string, string, string, string, string][] = [
  ['nginx', 'nginx', 'nginx', 'docker.io', 'latest', '', 'docker.io/nginx:latest'],
  ['nginx:v10.3', 'nginx', 'nginx', 'docker.io', 'v10.3', '', 'docker.io/nginx:v10.3'],
  ['docker.io/test/nginx:v10.3', 'nginx', 'test/nginx', 'docker.io', 'v10.3', '', 'docker.io/test/nginx:v10.3'],
  ['test/nginx', 'nginx', 'test/nginx', 'docker.io', 'latest', '', 'docker.io/test/nginx:latest'],
  ['localhost:4443/test/nginx', 'nginx', 'test/nginx', 'localhost:4443', 'latest', '', 'localhost:4443/test/nginx:latest'],
  [`docker.io/test/centos@${SHA}`, 'centos', 'test/centos', 'docker.io', '', SHA, `docker.io/test/centos@${SHA}`],
  ['localhost/netd:v0.4.4-gke.0', 'netd', 'netd', 'localhost', 'v0.4.4-gke.0', '', 'localhost/netd:v0.4.4-gke.0'],
  [`test/centos@${SHA}`, 'centos', 'test/centos', 'docker.io', '', SHA, `docker.io/test/centos@${SHA}`],
];
for (const [raw, name, path, registry, tag, digest, reference] of infos) {
  test(`GetImageInfo ${raw}`, () => {
    const info = imageInfo(raw);
    assert.type(info, 'object');
    const i = info as Record<string, unknown>;
    assert.is(i['name'], name);
    assert.is(i['path'], path);
    assert.is(i['registry'], registry);
    assert.is(i['tag'] ?? '', tag);
    assert.is(i['digest'] ?? '', digest);
    assert.is(i['reference'], reference);
  });
}

// Test_ReferenceWithTag: a digest-only image has an empty tag
test('referenceWithTag of a digest-only image ends with ":"', () => {
  assert.is((imageInfo(`docker.io/test/centos@${SHA}`) as Record<string, unknown>)['referenceWithTag'], 'docker.io/test/centos:');
  assert.is((imageInfo('nginx') as Record<string, unknown>)['referenceWithTag'], 'docker.io/nginx:latest');
});

// Test_ParseError and reference / digest errors
for (const [raw, message] of [
  ['++', 'invalid reference format'],
  ['', 'invalid reference format'],
  ['Nginx', 'repository name must be lowercase'],
  [`nginx@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
  [`nginx@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
  [`nginx@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
] as const) {
  test(`GetImageInfo error ${JSON.stringify(raw)}`, () => {
    const info = imageInfo(raw);
    assert.type(info, 'string');
    assert.ok((info as string).endsWith(message), info as string);
  });
}

test('Test_extractImageInfo: Pod with init, regular and ephemeral containers', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'myapp' },
    spec: {
      initContainers: [{ name: 'init', image: 'index.docker.io/busybox:v1.2.3' }],
      containers: [{ name: 'nginx', image: 'nginx:latest' }],
      ephemeralContainers: [{ name: 'ephemeral', image: 'test/nginx:latest' }],
    },
  };
  assert.equal(extractImages(pod), {
    initContainers: {
      init: {
        registry: 'index.docker.io',
        name: 'busybox',
        path: 'busybox',
        tag: 'v1.2.3',
        reference: 'index.docker.io/busybox:v1.2.3',
        referenceWithTag: 'index.docker.io/busybox:v1.2.3',
        jsonPointer: '/spec/initContainers/0/image',
      },
    },
    containers: {
      nginx: { registry: 'docker.io', name: 'nginx', path: 'nginx', tag: 'latest', reference: 'docker.io/nginx:latest', referenceWithTag: 'docker.io/nginx:latest', jsonPointer: '/spec/containers/0/image' },
    },
    ephemeralContainers: {
      ephemeral: {
        registry: 'docker.io',
        name: 'nginx',
        path: 'test/nginx',
        tag: 'latest',
        reference: 'docker.io/test/nginx:latest',
        referenceWithTag: 'docker.io/test/nginx:latest',
        jsonPointer: '/spec/ephemeralContainers/0/image',
      },
    },
  });
});

test('Test_extractImageInfo: Deployment with tag and digest; CronJob path', () => {
  const F = 'sha256:' + 'f'.repeat(64);
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'myapp' },
    spec: { template: { spec: { initContainers: [{ name: 'init', image: `fictional.registry.example:10443/imagename:tag@${F}` }], containers: [{ name: 'myapp', image: 'fictional.registry.example:10443/imagename' }] } } },
  };
  const images = extractImages(deploy) as Record<string, Record<string, Record<string, unknown>>>;
  assert.equal(images['initContainers']!['init'], {
    registry: 'fictional.registry.example:10443',
    name: 'imagename',
    path: 'imagename',
    tag: 'tag',
    digest: F,
    reference: `fictional.registry.example:10443/imagename@${F}`,
    referenceWithTag: 'fictional.registry.example:10443/imagename:tag',
    jsonPointer: '/spec/template/spec/initContainers/0/image',
  });
  assert.is(images['containers']!['myapp']!['reference'], 'fictional.registry.example:10443/imagename:latest');
  const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'test.example.com/test/my-app:v2' }] } } } } } };
  const c = (extractImages(cron) as Record<string, Record<string, Record<string, unknown>>>)['containers']!['hello']!;
  assert.is(c['jsonPointer'], '/spec/jobTemplate/spec/template/spec/containers/0/image');
  assert.is(c['path'], 'test/my-app');
});

test('kinds without extractors and blank images give nothing; bad shapes and images are errors', () => {
  assert.equal(extractImages({ kind: 'Service', spec: { containers: [{ name: 'x', image: 'nginx' }] } }), {});
  assert.equal(extractImages({ kind: 'Pod', spec: { containers: [{ name: 'x', image: ' ' }, { name: 'y' }] } }), {});
  assert.is(extractImages({ kind: 'Pod', spec: { containers: [{ image: 'nginx' }] } }), 'invalid key');
  assert.is(extractImages({ kind: 'Pod', spec: { containers: ['nginx'] } }), 'invalid image config');
  assert.is(extractImages({ kind: 'Pod', spec: { containers: 'nginx' } }), 'invalid type');
  assert.match(extractImages({ kind: 'Pod', spec: { containers: [{ name: 'x', image: 'NGINX' }] } }) as string, "invalid image 'NGINX' (bad image: docker.io/NGINX");
});

// Test_ImageNormalize
for (const [input, expected] of [
  ['nginx', 'docker.io/nginx:latest'],
  ['docker.io/nginx', 'docker.io/nginx:latest'],
  ['docker.io/library/nginx', 'docker.io/library/nginx:latest'],
  ['ghcr.io/library/nginx', 'ghcr.io/library/nginx:latest'],
  ['ghcr.io/nginx:1.2', 'ghcr.io/nginx:1.2'],
]) {
  test(`image_normalize('${input}')`, () => {
    assert.is(search(`image_normalize('${input}')`, '', kyvernoFunctions), expected);
  });
}
test("image_normalize('') is an error", () => {
  assert.throws(
    () => search("image_normalize('')", '', kyvernoFunctions),
    (e: unknown) => e instanceof Error && e.message === "JMESPath function 'image_normalize': bad image: docker.io/, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format",
  );
});

test('a deny rule over images.containers (restrict-image-registries style)', () => {
  const policy = loadPolicy({
    file: 'p.yaml',
    line: 1,
    value: {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'registries' },
      spec: {
        rules: [
          {
            name: 'allowed-registry',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            validate: {
              message: 'unknown registry',
              foreach: [
                {
                  list: 'request.object.spec.containers',
                  deny: { conditions: { all: [{ key: '{{ images.containers."{{element.name}}".registry }}', operator: 'NotEquals', value: 'ghcr.io' }] } },
                },
              ],
            },
          },
        ],
      },
    },
  });
  const pod = (image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image }] } });
  const rules = (image: string) => evaluate(policy, { resource: pod(image) }).rules.filter((r) => !r.autogen);
  assert.is(rules('ghcr.io/org/app:1')[0]!.status, 'pass');
  assert.is(rules('nginx')[0]!.status, 'fail');
  assert.is(rules('NGINX')[0]!.status, 'error');
});

test.run();
