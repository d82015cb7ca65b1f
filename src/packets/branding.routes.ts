import { z } from 'zod';
import { AppError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { changeMsp, getMspLogo } from '../msps/msp.service.js';
import { mspSchema } from '../msps/msp.schemas.js';
import { LOGO_MAX_BYTES, LOGO_MEDIA_TYPES, logoForStorage } from './logo.js';

const tag = 'MSP';

const logoBytes = z.custom<Buffer>((value) => Buffer.isBuffer(value) && value.byteLength > 0, {
  message: 'must be the image bytes, sent as image/png or image/svg+xml',
});

/** The packet's logo. Served back with a policy that keeps an SVG inert even when opened on its own. */
export const brandingRoutes = [
  defineRoute({
    method: 'put',
    path: '/msp/logo',
    operationId: 'putMspLogo',
    summary: "Set the MSP's logo for packets (PNG or SVG, at most 512 KB, sent as the raw body)",
    description:
      'A PNG must be a complete PNG file and is stored as sent. An SVG may use shapes, text, gradients, patterns, ' +
      'clipping, masks and filters only, with no references outside itself (only url(#id) and href="#id"); it is ' +
      'rasterised to a PNG on upload, and the PNG is what is stored and served.',
    tag,
    scope: 'admin',
    mspWide: true,
    body: logoBytes,
    bodyContentTypes: [...LOGO_MEDIA_TYPES],
    bodyLimit: LOGO_MAX_BYTES,
    responses: {
      200: { description: 'The MSP, with hasLogo true', schema: mspSchema },
      413: { description: 'Larger than 512 KB' },
    },
    handler: async ({ app, auth, body, req }) => {
      const checked = logoForStorage(req.get('content-type') ?? '', body);
      if (!checked.ok)
        throw new AppError('validation_failed', 400, 'The logo is not acceptable', [
          { path: 'body', message: checked.message },
        ]);
      const msp = await changeMsp(app.database.db, auth, {
        logo: { mime: checked.mime, data: checked.data },
      });
      return { body: msp };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/msp/logo',
    operationId: 'getMspLogo',
    summary: "The MSP's logo as stored",
    tag,
    scope: 'read',
    mspWide: true,
    responses: {
      200: { description: 'The image', contentTypes: [...LOGO_MEDIA_TYPES] },
      404: { description: 'The MSP has no logo' },
    },
    handler: async ({ app, auth, res }) => {
      const logo = await getMspLogo(app.database.db, auth);
      res
        .status(200)
        .type(logo.mime)
        .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .setHeader('Cache-Control', 'private, no-cache')
        .end(logo.data);
      return undefined;
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/msp/logo',
    operationId: 'deleteMspLogo',
    summary: "Remove the MSP's logo; packets show the MSP's name alone",
    tag,
    scope: 'admin',
    mspWide: true,
    responses: { 204: { description: 'Removed (or there was none)' } },
    handler: async ({ app, auth }) => {
      await changeMsp(app.database.db, auth, { logo: null });
      return { status: 204 };
    },
  }),
];
