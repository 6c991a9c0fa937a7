"""Assertions shared by the API tests."""


def assert_error(response, status: int, code: str) -> dict:
    """The one error format: JSON {"code", "message", "findings"} with the expected status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["message"] and isinstance(body["findings"], list)
    return body


def post_json(client, url: str, data: dict, **kwargs):
    return client.post(url, data, content_type="application/json", **kwargs)
