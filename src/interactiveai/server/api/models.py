"""Custom model price routes: `/api/public/models` (Langfuse's shape).

Only the project's custom prices are listed; built-in prices come from the `genai-prices`
package and are not rows here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection

from interactiveai.server.api.auth import project_id
from interactiveai.server.api.limits import LimitedRoute
from interactiveai.server.api.params import LimitParam, PageParam, utc
from interactiveai.server.api.serialize import model_json, page_meta
from interactiveai.server.api.shapes import ERRORS, Model, ModelCreate
from interactiveai.server.api.write import run_write
from interactiveai.server.errors import BadRequestError, NotFoundError
from interactiveai.server.store import prices

router = APIRouter(tags=["models"], route_class=LimitedRoute, responses=ERRORS)


def _prices(body: ModelCreate) -> dict[str, float]:
    """Prices by usage key from flat prices, `prices`, or the default pricing tier."""
    flat = {
        k: v
        for k, v in (
            ("input", body.inputPrice),
            ("output", body.outputPrice),
            ("total", body.totalPrice),
        )
        if v is not None
    }
    given = [x for x in (flat, body.prices, body.pricingTiers) if x]
    if len(given) > 1:
        raise BadRequestError(
            "prices: give flat prices (inputPrice/outputPrice/totalPrice), prices or "
            "pricingTiers, not several"
        )
    if body.pricingTiers:
        defaults = [t for t in body.pricingTiers if t.isDefault or len(body.pricingTiers) == 1]
        if len(defaults) != 1:
            raise BadRequestError("pricingTiers: exactly one default tier is needed")
        return dict(defaults[0].prices)
    return dict(body.prices or flat)


def _invalidate(request: Request, pid: str) -> None:
    # The pricing cache of this process sees the change at once.
    invalidate = getattr(request.app.state.writer.price, "invalidate", None)
    if invalidate is not None:
        invalidate(pid)


@router.post("/api/public/models", response_model=None, responses={200: {"model": Model}})
async def create_model(
    request: Request, body: ModelCreate, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """Create a custom price; it wins over genai-prices for matching model names."""
    price_map = _prices(body)

    def create(conn: Connection) -> dict[str, Any] | None:
        model_id = prices.create_model(
            conn,
            pid,
            model_name=body.modelName,
            match_pattern=body.matchPattern,
            prices=price_map,
            start_date=utc(body.startDate),
            unit=body.unit,
        )
        return prices.get_model(conn, pid, model_id)

    row = await run_write(request, pid, create)
    _invalidate(request, pid)
    assert row is not None
    return model_json(row)


@router.get("/api/public/models")
def list_models(
    request: Request,
    pid: Annotated[str, Depends(project_id)],
    page: PageParam = 1,
    limit: LimitParam = 50,
) -> dict[str, Any]:
    """The project's custom prices, newest first."""
    with request.app.state.engine.connect() as conn:
        rows, total = prices.list_models(conn, pid, limit=limit, offset=(page - 1) * limit)
    return {"data": [model_json(r) for r in rows], "meta": page_meta(page, limit, total)}


@router.get("/api/public/models/{model_id}", response_model=None, responses={200: {"model": Model}})
def get_model(
    request: Request, model_id: str, pid: Annotated[str, Depends(project_id)]
) -> dict[str, Any]:
    """One custom price."""
    with request.app.state.engine.connect() as conn:
        row = prices.get_model(conn, pid, model_id)
    if row is None:
        raise NotFoundError("Model not found")
    return model_json(row)


@router.delete("/api/public/models/{model_id}", status_code=204, response_model=None)
async def delete_model(
    request: Request, model_id: str, pid: Annotated[str, Depends(project_id)]
) -> None:
    """Delete a custom price (204)."""
    deleted = await run_write(request, pid, lambda conn: prices.delete_model(conn, pid, model_id))
    _invalidate(request, pid)
    if not deleted:
        raise NotFoundError("Model not found")
