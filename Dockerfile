# The one copydesk image; compose.yaml runs it as ingest, worker, beat and a migrate step.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY copydesk ./copydesk
COPY services ./services
RUN pip install . \
    && useradd --system --create-home --home-dir /home/copydesk copydesk \
    && mkdir -p /data && chown copydesk /data
USER copydesk
ENV COPYDESK_DATA_DIR=/data
EXPOSE 8000
CMD ["copydesk", "api", "--host", "0.0.0.0", "--port", "8000"]
