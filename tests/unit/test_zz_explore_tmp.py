import time, json
from support.lambda_events import load_function
from support.scoring_requests import request, company, count_items, local_client
from support.dynamodb_faults import record_operations
from orgair.aws import dynamodb_client

def test_x(dynamodb):
    m = load_function("scores")
    r = request(m, "POST", "/scores", body=company(), headers={"Idempotency-Key": "k1", "X-Correlation-ID": "cid-1"})
    print(r.status, r.headers, json.dumps(r.body)[:300])
    r2 = request(m, "POST", "/scores", body=company(), headers={"Idempotency-Key": "k1"})
    print(r2.status, r2.headers, r2.body == r.body)
    r3 = request(m, "POST", "/scores", body=company(level=50), headers={"Idempotency-Key": "k1"})
    print(r3)
    c = local_client(dynamodb.endpoint_url)
    print(count_items(c))
    print(c.scan(TableName="IdempotencyTable")["Items"])
    calls = record_operations(dynamodb_client())
    body = {"companies": [company(f"c{i}", level=i % 100) for i in range(150)]}
    t = time.perf_counter()
    p = request(m, "POST", "/portfolios/scores", body=body)
    print("portfolio", p.status, time.perf_counter() - t, calls, p.body["summary"])
    t = time.perf_counter()
    body = {"companies": [company(f"c{i}", level=(i+50) % 100) for i in range(150)]}
    calls.clear()
    p = request(m, "POST", "/portfolios/scores", body=body)
    print("portfolio2", p)
