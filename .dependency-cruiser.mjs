/**
 * The import rules `npm test` checks (`npm run lint:deps`). Type-only imports count: a cycle of `import type` still
 * ties the files together for a reader.
 *
 * Layers, lowest first: src/domain (pure) · src/shared, src/config, src/db, src/render (plumbing) · src/auth ·
 * src/http · feature folders (routes → services → repositories) · the app's wiring (app.ts, app-context.ts,
 * routes.ts, server.ts, src/cli).
 */

/** Every folder under src that is a feature: anything that is not plumbing, the domain core or the wiring. */
const FEATURE = '^src/(?!(?:auth|cli|config|db|domain|http|render|shared)/)[^/]+/';
/** The wiring that puts the app together; nothing below it may import it. */
const APP = '^src/(?:app|routes|server)\\.ts$|^src/cli/';

export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'Every relative import resolves; otherwise the other rules would pass on a graph with holes.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain imports only from src/domain (eslint keeps it free of I/O packages).',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'plumbing-below-features',
      severity: 'error',
      comment: 'src/shared, src/config and src/db import no feature, auth, HTTP, rendering or wiring.',
      from: { path: '^src/(?:shared|config|db)/' },
      to: { path: [FEATURE, APP, '^src/app-context\\.ts$', '^src/(?:auth|http|render)/'] },
    },
    {
      name: 'render-below-features',
      severity: 'error',
      comment:
        'src/render imports no feature, auth, wiring or HTTP module: it throws errors of its own, which routes map ' +
        'to HTTP (src/http/render-problems.ts).',
      from: { path: '^src/render/' },
      to: { path: [FEATURE, APP, '^src/app-context\\.ts$', '^src/(?:auth|http)/'] },
    },
    {
      name: 'auth-below-http',
      severity: 'error',
      comment:
        'src/auth imports no HTTP, wiring or feature module except the repositories of the credentials it checks ' +
        '(API keys, calendar feed tokens).',
      from: { path: '^src/auth/' },
      to: {
        path: [FEATURE, APP, '^src/app-context\\.ts$', '^src/http/'],
        pathNot: '^src/(?:api-keys/api-key|calendar/calendar-feed)\\.repository\\.ts$',
      },
    },
    {
      name: 'http-below-features',
      severity: 'error',
      comment:
        'src/http imports no feature folder and none of the wiring; features register routes in src/routes.ts.',
      from: { path: '^src/http/' },
      to: { path: [FEATURE, APP] },
    },
    {
      name: 'http-sees-app-context-as-types',
      severity: 'error',
      comment: "src/http may name the app context's type, never import its values.",
      from: { path: '^src/http/' },
      to: { path: '^src/app-context\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'app-context-is-types',
      severity: 'error',
      comment: 'app-context.ts only names the types the app is built from, so that it stays low.',
      from: { path: '^src/app-context\\.ts$' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'routes-call-services',
      severity: 'error',
      comment: 'Calls run routes → services → repositories: a route never calls a repository.',
      from: { path: '\\.routes\\.ts$' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'pages-call-services',
      severity: 'error',
      comment: 'Console pages call the same services as the API routes: never a repository, never SQL.',
      from: { path: '^src/console/' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'services-below-routes',
      severity: 'error',
      comment: 'A service imports no route, no route plumbing and none of the wiring.',
      from: { path: '\\.service\\.ts$' },
      to: {
        path: ['\\.routes\\.ts$', '^src/http/(?:route|authenticate)\\.ts$', APP, '^src/app-context\\.ts$'],
      },
    },
    {
      name: 'repositories-below-services',
      severity: 'error',
      comment: 'A repository imports no service, route, HTTP route plumbing or wiring.',
      from: { path: '\\.repository\\.ts$' },
      to: {
        path: [
          '\\.(?:service|routes)\\.ts$',
          '^src/http/(?:route|authenticate)\\.ts$',
          APP,
          '^src/app-context\\.ts$',
        ],
      },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(?:dist|coverage|data|node_modules)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
