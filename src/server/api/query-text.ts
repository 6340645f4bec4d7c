import { Router } from 'express';
import { bindQuery, type ParamValues, packageCatalog } from '../../query/index.ts';
import { urlParams } from '../body.ts';

/**
 * GET /queries/:name/text?param=value…: the catalog query's SPARQL with the given parameters bound (as RDF
 * terms, by the catalog's binder), for the SPARQL editor to show and send to /sparql. Read-only: it runs nothing.
 */
export function createQueryTextRouter(): Router {
  const router = Router();
  router.get('/queries/:name/text', async (req, res, next) => {
    try {
      const entry = (await packageCatalog()).get(String(req.params.name));
      const url = urlParams(req);
      const values: ParamValues = {};
      for (const key of new Set(url.keys())) {
        const given = url.getAll(key).filter((value) => value !== '');
        if (given.length > 0) values[key] = given;
      }
      res.type('application/sparql-query; charset=utf-8').send(bindQuery(entry.query, entry.params, values));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
