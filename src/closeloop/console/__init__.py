"""The web console (坐席工作台): server-rendered pages over the same services as the API."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from closeloop.console.errors import error_page
from closeloop.console.pages import (
    admin,
    admin_stations,
    admin_taxonomy,
    admin_users,
    auth,
    calls,
    chats,
    credit,
    customer_chat,
    dashboard,
    intake,
    kb_manage,
    knowledge,
    kpi_report,
    kpi_review,
    kpi_scorecards,
    kpis,
    mystery,
    opinion,
    problems,
    qa,
    queues,
    sms,
    survey_public,
    surveys,
    ticket,
    ticket_mail,
    track,
    tracking,
    value,
    workforce,
)


def install(app: FastAPI) -> None:
    """Add the console's pages, its static assets and its HTML error pages to the app."""
    static = resources.files("closeloop.console") / "static"
    app.mount("/console/static", StaticFiles(directory=str(static)), name="console-static")
    for module in (
        auth,
        queues,
        dashboard,
        kpi_report,
        kpi_review,
        kpi_scorecards,
        kpis,
        kb_manage,
        knowledge,
        intake,
        problems,
        ticket,
        ticket_mail,
        admin,
        admin_users,
        admin_stations,
        admin_taxonomy,
        credit,
        survey_public,
        surveys,
        qa,
        mystery,
        workforce,
        tracking,
        track,
        chats,
        sms,
        customer_chat,
        calls,
        opinion,
        value,
    ):
        app.include_router(module.router)
    app.state.error_page = error_page
