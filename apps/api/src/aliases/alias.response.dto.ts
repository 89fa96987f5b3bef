import { ApiProperty } from '@nestjs/swagger';

export class AliasDto {
  @ApiProperty() projectId!: string;
  @ApiProperty({ description: 'The deployment the production URL now serves, or will serve once its instances are healthy (`starting`)' }) deploymentId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The deployment served before; while `starting`, the one still served' }) previousDeploymentId!: string | null;
  @ApiProperty({
    enum: ['moved', 'starting'],
    description:
      '`moved` (200): the alias points at the deployment now. `starting` (202): a server app whose instances start first (or are found running); the alias moves when they pass their health check (AliasMoved), and the deployment\'s `promotion` shows the request until then, or why it failed (the alias then stays)',
  })
  state!: 'moved' | 'starting';
  @ApiProperty({ type: String, nullable: true, description: 'When the alias moved; null while `starting`' }) movedAt!: string | null;
}
