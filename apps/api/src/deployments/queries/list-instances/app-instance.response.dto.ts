import { ApiProperty } from '@nestjs/swagger';
import type { AppInstance } from '@deploysphere/database';

export class AppInstanceDto {
  @ApiProperty({ example: '3f9a1c2b7d4e…', description: 'Container id, or process:<deployment>:<replica> in embedded mode' }) id!: string;
  @ApiProperty({ enum: ['docker', 'process', 'ecs'], example: 'docker' }) runtime!: string;
  @ApiProperty({ type: String, nullable: true, example: '172.20.0.5:3000', description: 'Where the edge reaches it; null while it is not running' }) address!: string | null;
  @ApiProperty({ enum: ['starting', 'running', 'restarting', 'exited', 'stopped', 'asleep'], example: 'running', description: '`asleep`: stopped after the idle timeout (scale to zero); the next request starts it' }) state!: string;
  @ApiProperty({ example: 0, description: 'Crashes it was restarted after' }) restarts!: number;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-07T21:40:00.000Z' }) startedAt!: string | null;
  @ApiProperty({ example: '2026-12-07T21:40:02.000Z', description: 'When the orchestrator last looked at it' }) updatedAt!: string;

  static from(i: AppInstance): AppInstanceDto {
    return {
      id: i.id,
      runtime: i.runtime,
      address: i.address,
      state: i.state,
      restarts: i.restarts,
      startedAt: i.startedAt?.toISOString() ?? null,
      updatedAt: i.updatedAt.toISOString(),
    };
  }
}

export class AppInstanceListDto {
  @ApiProperty({ type: [AppInstanceDto], description: 'A server app deployment’s instances; empty for static output and for stopped deployments' })
  data!: AppInstanceDto[];
}
