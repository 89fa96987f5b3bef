import { ApiProperty } from '@nestjs/swagger';

export class AliasDto {
  @ApiProperty() projectId!: string;
  @ApiProperty({ description: 'The deployment the production URL now serves' }) deploymentId!: string;
  @ApiProperty({ type: String, nullable: true }) previousDeploymentId!: string | null;
  @ApiProperty() movedAt!: string;
}
