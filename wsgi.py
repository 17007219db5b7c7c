"""Server entry point: ``gunicorn wsgi:app`` (see Procfile) or ``python wsgi.py``."""
from gevent import monkey

monkey.patch_all()  # before anything else is imported

from chatapp import create_app  # noqa: E402
from chatapp.cluster.jobs import ensure_presence_job, install_graceful_shutdown  # noqa: E402
from chatapp.cluster.participant_flush import ensure_participant_flush  # noqa: E402
from chatapp.cluster.reaction_flush import ensure_reaction_flush  # noqa: E402
from chatapp.extensions import socketio  # noqa: E402
from chatapp.observability.logs import log_startup  # noqa: E402
from chatapp.observability.serving import start_serving  # noqa: E402
from chatapp.realtime.engine.collector import tune_collector  # noqa: E402

app = create_app()
start_serving(app)
ensure_presence_job(app)
ensure_reaction_flush(app)
ensure_participant_flush(app)
install_graceful_shutdown(app)
tune_collector()  # last: what was loaded until now stays for the process's life

if __name__ == "__main__":
    # Under gunicorn, gunicorn.conf.py's post_worker_init writes this line with the real address.
    log_startup(app, [f"http://0.0.0.0:{app.config['PORT']}"])
    socketio.run(app, host="0.0.0.0", port=app.config["PORT"])
