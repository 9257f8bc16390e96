"""Celery task messages built by hand, for one LPUSH of many instead of a publish per message.

Celery's `send_task` costs about a millisecond of Python and blocking Redis round trips per
message (kombu looks the queue's binding up in Redis before each publish). The worker's kombu
only needs its list in Redis (named after the queue; priority 0 uses the bare name) to receive
the JSON envelope of Celery's task protocol 2, which is built here as `send_task` writes it
(tests/integration/test_publish.py compares the two). Both the API (a submission's message)
and the worker (a batch's fan-out into one message per job) send through it.
"""

from __future__ import annotations

import base64
import json
import os
import socket
from typing import Any
from uuid import uuid4

_NO_CALLBACKS = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}


def task_message(task: str, args: list[Any], queue: str) -> bytes:
    """The message kombu's Redis transport stores for `send_task(task, args, queue=queue)`."""
    task_id = str(uuid4())
    body = json.dumps([args, {}, _NO_CALLBACKS]).encode()
    headers: dict[str, Any] = {
        "lang": "py",
        "task": task,
        "id": task_id,
        "shadow": None,
        "eta": None,
        "expires": None,
        "group": None,
        "group_index": None,
        "retries": 0,
        "timelimit": [None, None],
        "root_id": task_id,
        "parent_id": None,
        "argsrepr": repr(args),
        "kwargsrepr": "{}",
        # Read per message: a prefork child's pid is not its parent's.
        "origin": f"gen{os.getpid()}@{socket.gethostname()}",
        "ignore_result": None,
        "replaced_task_nesting": 0,
        "stamped_headers": None,
        "stamps": {},
    }
    properties = {
        "correlation_id": task_id,
        "reply_to": str(uuid4()),
        "delivery_mode": 2,
        "delivery_info": {"exchange": "", "routing_key": queue},
        "priority": 0,
        "body_encoding": "base64",
        "delivery_tag": str(uuid4()),
    }
    envelope = {
        "body": base64.b64encode(body).decode(),
        "content-encoding": "utf-8",
        "content-type": "application/json",
        "headers": headers,
        "properties": properties,
    }
    return json.dumps(envelope).encode()
