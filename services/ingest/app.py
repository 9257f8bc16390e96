"""The FastAPI application: its DB pools, group committer and task senders, per process."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from copydesk import __version__, db
from copydesk.settings import Settings
from services.ingest.auth import authenticate
from services.ingest.committer import GroupCommitter
from services.ingest.metrics import MetricsMiddleware
from services.ingest.metrics import router as metrics_router
from services.ingest.problems import install_problem_handlers
from services.ingest.publish import TaskPublisher
from services.ingest.resources import Resources, create_sender
from services.ingest.routes import health_router, router
from services.ingest.source_routes import router as source_router
from services.ingest.stats_routes import router as stats_router


def create_app(settings: Settings, bind_host: str | None = None) -> FastAPI:
    """The ingest app for these settings, served on `bind_host` (default: settings.host)."""
    keys_required = settings.api_keys_required(bind_host or settings.host)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = db.create_pool(settings)
        publisher = TaskPublisher(settings.redis_client_url(), settings.queue)
        committer = GroupCommitter(settings, publisher)
        committer.start()
        sender = create_sender(settings)
        app.state.resources = Resources(
            settings=settings,
            pool=pool,
            committer=committer,
            publisher=publisher,
            sender=sender,
            keys_required=keys_required,
        )
        # Everything loaded so far lives as long as the process: keep it out of the garbage
        # collector's full passes, which otherwise scan it all (tens of ms, stalling every
        # request in flight) a few times a minute under load.
        gc.freeze()
        try:
            yield
        finally:
            await committer.close()
            await publisher.close()
            pool.close()
            sender.close()

    app = FastAPI(title="copydesk ingest", version=__version__, lifespan=lifespan)
    install_problem_handlers(app)
    authenticated = [Depends(authenticate)]
    app.include_router(health_router)
    app.include_router(router, dependencies=authenticated)
    app.include_router(source_router, dependencies=authenticated)
    app.include_router(stats_router, dependencies=authenticated)
    # Like /healthz, /metrics needs no key: Prometheus scrapes it from inside the network.
    app.include_router(metrics_router)
    app.add_middleware(MetricsMiddleware)
    return app
