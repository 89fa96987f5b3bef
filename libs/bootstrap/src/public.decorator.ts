import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'deploysphere:public';

/** No token needed (health probes, webhooks verified by their own signature). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
