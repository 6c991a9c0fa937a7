from ninja import NinjaAPI

api = NinjaAPI(title="govit API", version="1", urls_namespace="api")
