import { Query } from '@nestjs/cqrs';
import type { MemberListDto } from '../../member.response.dto';

export class ListMembersQuery extends Query<MemberListDto> {
  constructor(readonly teamId: string) {
    super();
  }
}
