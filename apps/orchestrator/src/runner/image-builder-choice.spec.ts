import { appsConfig, buildsConfig } from '@deploysphere/config';
import { BuildahImageBuilder } from '../images/buildah/buildah-image-builder.adapter';
import { ProcessBuildRunner } from './process/process-build-runner.adapter';
import { createImageBuilder } from './runner.module';

describe('IMAGE_BUILDER', () => {
  const builds = buildsConfig();
  const apps = appsConfig();
  const withRegistry = { ...apps, registry: { ...apps.registry, kind: 'oci' as const, url: '127.0.0.1:5050' } };
  const runner = new ProcessBuildRunner({ workDir: builds.workDir });

  it('auto: no image builder without the docker runner', () => {
    expect(createImageBuilder(runner, { ...builds, imageBuilder: 'auto' }, withRegistry)).toBeNull();
  });

  it('buildah works beside any runner, with a registry only, in a directory of its own instance', () => {
    const builder = createImageBuilder(runner, { ...builds, imageBuilder: 'buildah', instanceId: 'orch a' }, withRegistry);
    expect(builder).toBeInstanceOf(BuildahImageBuilder);
    expect((builder as BuildahImageBuilder).projectDir('prj_x')).toBe(`${builds.workDir}/buildah/orch_a/projects/prj_x`);
    expect(() => createImageBuilder(runner, { ...builds, imageBuilder: 'buildah' }, { ...apps, registry: { ...apps.registry, kind: 'none' } })).toThrow(/IMAGE_BUILDER: buildah images reach the app runtime only through a registry/);
  });

  it('docker needs the docker runner', () => {
    expect(() => createImageBuilder(runner, { ...builds, imageBuilder: 'docker' }, withRegistry)).toThrow(/IMAGE_BUILDER: docker image builds need BUILD_RUNNER=docker/);
  });
});
