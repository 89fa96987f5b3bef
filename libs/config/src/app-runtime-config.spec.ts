import { appRuntimeConfig } from './app-runtime.config';
import { validateEnvironment } from './env.validation';

describe('app runtime configuration (ecs)', () => {
  const role = 'arn:aws:iam::123456789012:role/deploysphere-app-execution';

  it('APP_RUNTIME=ecs needs a cluster, subnets and an execution role', () => {
    expect(() => validateEnvironment({ APP_RUNTIME: 'ecs' })).toThrow(/APP_ECS_CLUSTER: is required[\s\S]*APP_ECS_SUBNETS: is required[\s\S]*APP_ECS_EXECUTION_ROLE_ARN: is required/);
    expect(() => validateEnvironment({ APP_RUNTIME: 'ecs', APP_ECS_CLUSTER: 'apps', APP_ECS_SUBNETS: 'subnet-1', APP_ECS_EXECUTION_ROLE_ARN: 'admin' })).toThrow(/APP_ECS_EXECUTION_ROLE_ARN: must be an IAM role ARN/);
    expect(validateEnvironment({ APP_RUNTIME: 'ecs', APP_ECS_CLUSTER: 'apps', APP_ECS_SUBNETS: 'subnet-1', APP_ECS_EXECUTION_ROLE_ARN: role })).toMatchObject({ APP_RUNTIME: 'ecs' });
  });

  it("falls back to the ECS builds' cluster, subnets and security groups", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { APP_RUNTIME: 'ecs', ECS_CLUSTER: 'shared', ECS_SUBNETS: 'subnet-a, subnet-b', ECS_SECURITY_GROUPS: 'sg-1', APP_ECS_EXECUTION_ROLE_ARN: role });
      expect(appRuntimeConfig().ecs).toEqual({
        cluster: 'shared',
        subnets: ['subnet-a', 'subnet-b'],
        securityGroups: ['sg-1'],
        assignPublicIp: false,
        executionRoleArn: role,
        taskRoleArn: undefined,
        logGroup: '/deploysphere/apps',
      });
      process.env.APP_ECS_SUBNETS = 'subnet-c';
      expect(appRuntimeConfig().ecs.subnets).toEqual(['subnet-c']);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
