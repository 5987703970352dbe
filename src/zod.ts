/**
 * zod, the schema library (act bodies, the data directory's files, GDXP, mail settings), as
 * hypergas's modules import it. `npm run build` replaces the compiled file with one module
 * bundling zod (esbuild): loading zod's own ~95 modules took ~55 ms of every command's start,
 * the single module ~16 ms (issue 18, cold start). Compiled by tsc alone, this file re-exports
 * zod and everything works the same, only slower to load.
 */
export { z } from 'zod'
