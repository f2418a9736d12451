"""Shared checks of the fault tests."""

from __future__ import annotations


def assert_database_unavailable_page(response) -> None:
    """The clear error a user gets when the database went away: 503, in Chinese, try again later."""
    assert response.status_code == 503, (response.status_code, response.content[:500])
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert 'data-testid="database-unavailable"' in page
    assert "数据库暂时不可用" in page and "未保存" in page
