import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_RULE, AccessRule } from 'src/access/authenticated.decorator';
import { API_VERSION_PREFIX } from 'src/app.factory';

export interface RouteInfo {
  /** `GET /v1/regions/:code` */
  key: string;
  controller: string;
  handler: string;
  rule: AccessRule | undefined;
}

const UNVERSIONED = new Set(['health']);

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter((part) => part.length > 0)
    .join('/')}`;

/** Every route of the application, read from Nest's own metadata. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!instance || !metatype) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    const controllerPath = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as () => unknown;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const prefix = UNVERSIONED.has(controllerPath.split('/')[0] ?? '') ? '' : API_VERSION_PREFIX;
      routes.push({
        key: `${RequestMethod[method]} ${join(prefix, controllerPath, path).replace(/\\:/g, ':')}`,
        controller: metatype.name,
        handler: name,
        rule: reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, metatype]),
      });
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}
