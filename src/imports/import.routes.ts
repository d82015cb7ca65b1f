import type { Request } from 'express';
import { z } from 'zod';
import { AppError, invalid } from '../http/errors.js';
import { headerParameter, MultipartForm } from '../http/multipart.js';
import { defineRoute, toFieldErrors } from '../http/route.js';
import { declaredFormat } from './detect-preset.js';
import type { ImportIssue } from './import-plan.js';
import {
  columnMappingSchema,
  IMPORT_MEDIA_TYPES,
  importParams,
  importQuery,
  importRejectedSchema,
  importResultSchema,
  MAX_IMPORT_BYTES,
  type ImportResult,
} from './import.schemas.js';
import * as service from './import.service.js';
import { PRESET_IDS, PRESETS, type ColumnMapping, type PresetId } from './presets.js';

const uploadBody = z.custom<Buffer | MultipartForm>(
  (value) => (Buffer.isBuffer(value) && value.length > 0) || value instanceof MultipartForm,
  {
    message:
      'must be the file to import (CSV as text/csv, JSON as application/json, or either as the "file" part of multipart/form-data)',
  },
);

/** How the documentation describes a JSON body: one of the JSON presets' documents. */
const jsonInventoryBody = z
  .union([
    z
      .object({
        value: z.array(z.looseObject({ id: z.string(), deviceName: z.string().optional() })),
        '@odata.nextLink': z.string().optional(),
      })
      .describe(
        'preset=intune-graph: Graph managedDevices, as GET /deviceManagement/managedDevices returns it',
      ),
    z
      .looseObject({
        deviceid: z.string(),
        action: z.string().optional(),
        content: z.looseObject({}),
      })
      .describe(
        'preset=glpi: one GLPI native inventory document (or a list of them), as the GLPI Agent sends it',
      ),
  ])
  .describe('A JSON inventory; errors name the record (1 = the first device) and the JSON path');

interface Upload {
  bytes: Buffer;
  charset: string | undefined;
  mapping: ColumnMapping | undefined;
  /** What the upload says it is, from its media type or file name; undefined when it does not say. */
  declared: 'csv' | 'json' | undefined;
}

/** The file and its options from either a raw CSV or JSON body or a form with `file` and an optional `mapping`. */
function readUpload(req: Request, body: Buffer | MultipartForm): Upload {
  if (Buffer.isBuffer(body)) {
    const contentType = req.headers['content-type'] ?? '';
    return {
      bytes: body,
      charset: headerParameter(contentType, 'charset'),
      mapping: undefined,
      declared: declaredFormat(contentType, null),
    };
  }
  // A part without a filename arrives as text, already decoded from the charset it declared.
  const text = body.fields.get('file');
  const file =
    body.files.get('file') ??
    (text === undefined
      ? undefined
      : // Plain text says nothing of CSV or JSON: the preset decides how to read it.
        { data: Buffer.from(text, 'utf8'), contentType: 'text/plain; charset=utf-8' });
  if (!file || file.data.length === 0)
    throw invalid('body.file', 'is required: the CSV or JSON file to import');
  let mapping: ColumnMapping | undefined;
  const mappingText = (
    body.fields.get('mapping') ?? body.files.get('mapping')?.data.toString('utf8')
  )?.trim();
  if (mappingText) {
    let json: unknown;
    try {
      json = JSON.parse(mappingText);
    } catch {
      throw invalid('body.mapping', 'must be a JSON object such as {"Device": "name"}');
    }
    const parsed = columnMappingSchema.safeParse(json);
    if (!parsed.success) {
      throw new AppError(
        'validation_failed',
        400,
        'The request is not valid',
        toFieldErrors('body.mapping', parsed.error.issues),
      );
    }
    mapping = parsed.data;
  }
  return {
    bytes: file.data,
    charset: file.contentType ? headerParameter(file.contentType, 'charset') : undefined,
    mapping,
    declared: declaredFormat(file.contentType, 'filename' in file ? file.filename : null),
  };
}

/** A JSON file for a CSV preset (or the reverse) is a wrong preset, said before the file is read. */
function checkPreset(upload: Upload, preset: PresetId): void {
  const { format } = PRESETS[preset];
  const jsonPresets = PRESET_IDS.filter((id) => PRESETS[id].format === 'json');
  if (upload.declared === 'json' && format === 'csv') {
    throw invalid(
      'query.preset',
      `is ${preset}, which reads CSV, but the file is JSON; for a JSON inventory use preset=${jsonPresets.join(' or ')}`,
    );
  }
  if (upload.declared === 'csv' && format === 'json') {
    throw invalid(
      'query.preset',
      `is ${preset}, which reads JSON (send it as application/json), but the file is CSV`,
    );
  }
  if (upload.mapping && format === 'json') {
    throw invalid(
      'body.mapping',
      `is for CSV columns; the ${preset} preset reads the JSON fields it documents and takes no mapping`,
    );
  }
}

/** `row 3, column Serial` for CSV; `record 3, field serialNumber` for a JSON inventory. */
function issuePath(issue: ImportIssue, format: 'csv' | 'json'): string {
  const [unit, part] = format === 'json' ? ['record', 'field'] : ['row', 'column'];
  const row = issue.row === null ? 'file' : `${unit} ${issue.row}`;
  return issue.column ? `${row}, ${part} ${issue.column}` : row;
}

function rejected(result: ImportResult) {
  return {
    type: 'https://vcio-planner.dev/problems/import-rejected',
    title: 'Unprocessable Content',
    status: 422,
    detail: `The file has ${result.errorCount} error${result.errorCount === 1 ? '' : 's'}; nothing was imported`,
    code: 'import_rejected',
    ...result,
    errors: result.errors.map((issue) => ({
      ...issue,
      path: issuePath(issue, PRESETS[result.preset].format),
    })),
  };
}

export const importRoutes = [
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/imports',
    operationId: 'importAssets',
    summary: "Import assets from a CSV file or a JSON inventory into a client's inventory",
    description:
      'Send the CSV as the body (text/csv) or as the `file` part of multipart/form-data, with an optional `mapping` ' +
      'part (JSON: your column header → our field). With preset=intune-graph (Microsoft Graph managedDevices) or ' +
      "preset=glpi (GLPI's native inventory) send the JSON as the body (application/json) or as the `file` part; " +
      'errors then give the record (1 = the first device) as `row` and the JSON path as `column`. A dry run by ' +
      'default; with commit=true the whole file is written in one transaction, and only when no row has an error. ' +
      'Assets are recognised by External Id (the Intune device id, the GLPI deviceid), else Asset Tag, else Serial ' +
      'Number, so importing the same file again changes nothing. Blank cells keep stored values. Dates are ' +
      'YYYY-MM-DD or M/D/YY(YY) (two-digit years 00–69 are 20xx, 70–99 19xx), in JSON ISO 8601 timestamps (their ' +
      'calendar date as written); amounts like $1,234.56 become minor units of the client currency.',
    tag: 'Imports',
    scope: 'write',
    params: importParams,
    query: importQuery,
    body: uploadBody,
    bodyContentTypes: IMPORT_MEDIA_TYPES,
    bodyLimit: MAX_IMPORT_BYTES,
    rawBody: true,
    bodyContentSchemas: { 'application/json': jsonInventoryBody },
    responses: {
      200: {
        description: 'What the import did (commit=true) or would do (a dry run)',
        schema: importResultSchema,
      },
      422: {
        description: 'commit=true and the file has errors: nothing was written',
        schema: importRejectedSchema,
      },
    },
    handler: async ({ app, auth, params, query, body, req }) => {
      const upload = readUpload(req, body);
      checkPreset(upload, query.preset);
      const result = await service.importAssets(app.database.db, auth, params.clientId, {
        bytes: upload.bytes,
        charset: upload.charset,
        mapping: upload.mapping,
        preset: query.preset,
        commit: query.commit,
        source: query.source,
        dateOrder: query.dateOrder,
      });
      if (query.commit && !result.committed) {
        return {
          status: 422,
          headers: { 'content-type': 'application/problem+json' },
          body: rejected(result),
        };
      }
      return { body: result };
    },
  }),
];
