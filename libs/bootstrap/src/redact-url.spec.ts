import { redactUrlSecrets } from './core.module';

describe('redactUrlSecrets', () => {
  it('cuts invitation tokens out of request paths and leaves other paths alone', () => {
    expect(redactUrlSecrets('/v1/auth/invitations/dsi_abc/accept')).toBe('/v1/auth/invitations/[redacted]/accept');
    expect(redactUrlSecrets('/v1/auth/invitations/dsi_abc?x=1')).toBe('/v1/auth/invitations/[redacted]?x=1');
    expect(redactUrlSecrets('/invite/dsi_abc')).toBe('/invite/[redacted]');
    expect(redactUrlSecrets('/v1/team/invitations')).toBe('/v1/team/invitations');
    expect(redactUrlSecrets('/v1/team/invitations/inv_01')).toBe('/v1/team/invitations/[redacted]');
    expect(redactUrlSecrets('/v1/projects/prj_1')).toBe('/v1/projects/prj_1');
  });
});
