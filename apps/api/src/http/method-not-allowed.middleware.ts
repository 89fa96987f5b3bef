import { MethodNotAllowedException } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HTTP_METHODS } from './openapi-rules';

interface Route {
  pattern: RegExp;
  allow: string[];
}

function routesOf(document: OpenAPIObject): Route[] {
  return Object.entries(document.paths).map(([path, item]) => {
    const methods = HTTP_METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
    // Express answers HEAD wherever it answers GET.
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    const source = path.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+');
    return { pattern: new RegExp(`^${source}/?$`), allow: methods };
  });
}

/**
 * A documented path asked with a method it does not have is 405 with an `Allow` header, not the
 * 404 of an unknown path. The routes come from the OpenAPI document, built once on first use
 * (the controllers are registered by then).
 */
export function methodNotAllowed(document: () => OpenAPIObject): RequestHandler {
  let routes: Route[] | undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    routes ??= routesOf(document());
    const route = routes.find((r) => r.pattern.test(req.path));
    if (!route || route.allow.includes(req.method)) return next();
    res.setHeader('Allow', route.allow.join(', '));
    next(new MethodNotAllowedException(`${req.method} is not allowed on this path; use ${route.allow.join(', ')}`));
  };
}
