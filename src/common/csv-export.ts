import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiProduces } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { neutraliseCsvCell } from 'src/common/csv-cell';

const CSV_EXPORT = 'doorstroom:csv-export';

export type CsvRow = Record<string, string | number | boolean | null>;
type CsvMapper = (view: unknown) => CsvRow[];

/** Converts a view to CSV when the client asks for `Accept: text/csv`. */
@Injectable()
export class CsvExportInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const mapper = this.reflector.get<CsvMapper | undefined>(CSV_EXPORT, context.getHandler());
    const request = context.switchToHttp().getRequest<Request>();
    if (!mapper || request.accepts(['application/json', 'text/csv']) !== 'text/csv') return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((view: unknown) => {
        const rows = mapper(view);
        response.type('text/csv; charset=utf-8');
        response.setHeader('Content-Disposition', `attachment; filename="${context.getHandler().name}.csv"`);
        if (rows.length === 0) return '';
        // Text cells are neutralised against formula injection (src/common/csv-cell.ts); numbers are data and stay as they are.
        return stringify(rows, { header: true, columns: Object.keys(rows[0]), cast: { string: neutraliseCsvCell, boolean: (value) => (value ? 'true' : 'false') } });
      }),
    );
  }
}

/** The route also answers `text/csv`, with one row per record `mapper` returns. */
export const CsvExport = <T>(mapper: (view: T) => CsvRow[]) =>
  applyDecorators(SetMetadata(CSV_EXPORT, mapper as CsvMapper), UseInterceptors(CsvExportInterceptor), ApiProduces('application/json', 'text/csv'));
