import time, json
from support.lambda_events import load_function
from support.scoring_requests import request, company
from orgair.aws import dynamodb_client

def test_x(dynamodb):
    m = load_function("scores")
    c = dynamodb_client()
    log = []
    def before(model, **kw): log.append([model.name, time.perf_counter()])
    def after(model, **kw): log[-1].append(time.perf_counter())
    c.meta.events.register("before-call.dynamodb", before)
    c.meta.events.register("after-call.dynamodb", after)
    for n in (100, 200, 300):
        body = {"companies": [company(f"c{n}-{i}", level=i % 100) for i in range(100)]}
        log.clear()
        t = time.perf_counter()
        p = request(m, "POST", "/portfolios/scores", body=body)
        total = time.perf_counter() - t
        print(n, p.status, round(total, 3), [(name, round(e[-1]-e[1], 3)) for e in log for name in [e[0]]])
