import { ContractViolation, decodeEvent, type EventEnvelope } from './index';
import { DeploymentTrafficSeenV1, DeploymentUpstreamsChangedV1, DeploymentWakeRequestedV1 } from './routing.events';

const DEP = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const PRJ = 'prj_01jd8x3k9m2f4q7r8s9t0v1w2x';
const AT = '2026-12-08T00:00:00.000Z';
const envelope = (type: string, payload: unknown): EventEnvelope => ({ id: 'evt', type, key: 'k', occurredAt: AT, correlationId: 'c', payload });

describe('scale-to-zero and proxy contracts', () => {
  describe('DeploymentUpstreamsChanged.v1', () => {
    const good = { deploymentId: DEP, projectId: PRJ, upstreams: ['172.18.0.5:3000', '[fd00::5]:8080'], changedAt: AT };

    it('decodes a complete set, including the empty one of a sleeping deployment', () => {
      const decoded = decodeEvent<DeploymentUpstreamsChangedV1>(envelope(DeploymentUpstreamsChangedV1.type, good));
      expect(decoded).toBeInstanceOf(DeploymentUpstreamsChangedV1);
      expect(decoded.upstreams).toEqual(good.upstreams);
      expect(decodeEvent<DeploymentUpstreamsChangedV1>(envelope(DeploymentUpstreamsChangedV1.type, { ...good, upstreams: [] })).upstreams).toEqual([]);
    });

    it.each([
      ['a host name instead of an address', { upstreams: ['app.internal:3000'] }],
      ['an address without a port', { upstreams: ['172.18.0.5'] }],
      ['a missing set', { upstreams: undefined }],
      ['too many instances', { upstreams: Array.from({ length: 65 }, (_, i) => `10.0.0.${i % 250}:3000`) }],
      ['a bad deployment id', { deploymentId: 'nope' }],
      ['a bad instant', { changedAt: 'yesterday' }],
      ['an unknown field', { slug: 'x' }],
    ])('rejects %s', (_label, patch) => {
      expect(() => decodeEvent(envelope(DeploymentUpstreamsChangedV1.type, { ...good, ...patch }))).toThrow(ContractViolation);
    });
  });

  describe('DeploymentWakeRequested.v1', () => {
    const good = { deploymentId: DEP, projectId: PRJ, requestedAt: AT };
    it('decodes and rejects bad ids and instants', () => {
      expect(decodeEvent(envelope(DeploymentWakeRequestedV1.type, good))).toBeInstanceOf(DeploymentWakeRequestedV1);
      expect(() => decodeEvent(envelope(DeploymentWakeRequestedV1.type, { ...good, projectId: 'p' }))).toThrow(ContractViolation);
      expect(() => decodeEvent(envelope(DeploymentWakeRequestedV1.type, { ...good, requestedAt: 5 }))).toThrow(ContractViolation);
    });
  });

  describe('DeploymentTrafficSeen.v1', () => {
    const good = { edgeId: 'edge-1', deployments: [{ deploymentId: DEP, lastRequestAt: AT }] };
    it('decodes a batch into its classes', () => {
      const decoded = decodeEvent<DeploymentTrafficSeenV1>(envelope(DeploymentTrafficSeenV1.type, good));
      expect(decoded.deployments[0]).toMatchObject({ deploymentId: DEP, lastRequestAt: AT });
    });

    it.each([
      ['an empty batch', { deployments: [] }],
      ['an entry with a bad instant', { deployments: [{ deploymentId: DEP, lastRequestAt: 'now' }] }],
      ['an entry with an unknown field', { deployments: [{ deploymentId: DEP, lastRequestAt: AT, extra: 1 }] }],
      ['a bad edge id', { edgeId: 'edge one/2' }],
    ])('rejects %s', (_label, patch) => {
      expect(() => decodeEvent(envelope(DeploymentTrafficSeenV1.type, { ...good, ...patch }))).toThrow(ContractViolation);
    });
  });
});
