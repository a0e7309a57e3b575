// A typed call of createScore on each stage with the generated types (`make clients`); compiled by
// tests/infrastructure/test_clients_typescript.py with `tsc --noEmit`.
import type { operations as V1 } from "../orgair-api-v1";
import type { operations as V2 } from "../orgair-api-v2";

type Body<Operation extends { requestBody: { content: { "application/json": unknown } } }> =
  Operation["requestBody"]["content"]["application/json"];
type Created<Operation extends { responses: { 201: { content: { "application/json": unknown } } } }> =
  Operation["responses"][201]["content"]["application/json"];

async function post<Request, Response>(baseUrl: string, apiKey: string, path: string, body: Request): Promise<Response> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as Response;
}

export function createScoreV1(baseUrl: string, apiKey: string, body: Body<V1["createScore"]>) {
  return post<Body<V1["createScore"]>, Created<V1["createScore"]>>(`${baseUrl}/v1`, apiKey, "/scores", body);
}

export function createScoreV2(baseUrl: string, apiKey: string, body: Body<V2["createScore"]>) {
  return post<Body<V2["createScore"]>, Created<V2["createScore"]>>(`${baseUrl}/v2`, apiKey, "/scores", body);
}

const company: Body<V2["createScore"]> = {
  company_id: "acme-co",
  sector: "technology",
  dimensions: {
    data_infrastructure: 72,
    ai_governance: 65,
    technology_stack: 80,
    talent: 58,
    leadership: 70,
    use_case_portfolio: 61,
    culture: 66,
  },
  confidence_level: 0.95,
};

export async function example(baseUrl: string, apiKey: string): Promise<string[]> {
  const v1 = await createScoreV1(baseUrl, apiKey, company);
  const v2 = await createScoreV2(baseUrl, apiKey, company);
  return [v1.score_id, v2.score_id, v1.param_version, v2.param_version];
}
