"""The FastAPI application: one DB pool and one Celery producer per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from copydesk import __version__, db
from copydesk.settings import Settings
from services.ingest.metrics import MetricsMiddleware
from services.ingest.metrics import router as metrics_router
from services.ingest.problems import install_problem_handlers
from services.ingest.resources import Resources, create_sender
from services.ingest.routes import router
from services.ingest.source_routes import router as source_router
from services.ingest.stats_routes import router as stats_router


def create_app(settings: Settings) -> FastAPI:
    """The ingest app for these settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = db.create_pool(settings)
        sender = create_sender(settings)
        app.state.resources = Resources(settings=settings, pool=pool, sender=sender)
        try:
            yield
        finally:
            pool.close()
            sender.close()

    app = FastAPI(title="copydesk ingest", version=__version__, lifespan=lifespan)
    install_problem_handlers(app)
    app.include_router(router)
    app.include_router(source_router)
    app.include_router(stats_router)
    app.include_router(metrics_router)
    app.add_middleware(MetricsMiddleware)
    return app
