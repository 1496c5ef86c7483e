"""Driver of bench/usage-flush.sh: N customers (each its own user, token signed with the bench key),
each with a metered subscription made through Tally's API, then R reports per customer through the
batch endpoint (1,000 per request, unique keys). Standard library only."""
import base64, hashlib, hmac, json, os, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

url, customers, per_customer, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
key = os.environ["TALLY_JWT_SIGNING_KEY"].encode()
template = json.loads(base64.urlsafe_b64decode(os.environ["TOKEN"].split(".")[1] + "=="))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(i: int) -> str:
    now = int(time.time())
    claims = {"sub": f"bench-{i}", "email": f"bench{i}@example.com", "iss": template["iss"], "aud": template["aud"],
              "iat": now, "nbf": now, "exp": now + 7200}
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    return head + "." + b64(hmac.new(key, head.encode(), hashlib.sha256).digest())


def post(path: str, tok: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method="POST",
                                 headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.loads(r.read() or b"null")


def setup(i: int):
    tok = token(i)
    post("/api/stripe/create_customer", tok)
    post("/api/billing/subscriptions", tok)


def ingest(i: int) -> int:
    tok, accepted = token(i), 0
    for start in range(0, per_customer, 1000):
        events = [{"quantity": 1, "idempotency_key": f"c{i}-{n}"} for n in range(start, min(start + 1000, per_customer))]
        answer = post("/api/billing/report_usage/batch", tok, {"events": events})
        if answer["rejected"]:
            raise SystemExit(f"customer {i}: rejected {answer['rejected'][:3]}")
        accepted += answer["accepted"]
    return accepted


with ThreadPoolExecutor(threads) as pool:
    t0 = time.time()
    list(pool.map(setup, range(customers)))
    print(f"{customers} customers with a metered subscription in {time.time() - t0:.1f} s", flush=True)
    t0 = time.time()
    accepted = sum(pool.map(ingest, range(customers)))
    took = time.time() - t0
print(f"ingested {accepted} reports in {took:.1f} s ({accepted / took:,.0f} events/s through the batch endpoint, {threads} clients)")
