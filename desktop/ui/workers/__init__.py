"""The UI's one threading package: every thread the panels use starts here.

Four kinds of background work, and nothing else:

* **Live inputs, newest request wins** (:class:`LatestRequestWorker`, and :class:`ModelWorker`
  which also opens the models of the model folders). A student writes, and a camera delivers,
  faster than a model answers on a slow laptop, and an answer for an input already gone is
  useless: the worker keeps only the newest waiting request and tags every answer with its
  request id so the panel can drop a late one.
* **One-off loads** (:class:`BackgroundLoader`): read a file or decode a thumbnail in a small
  thread pool, each load tagged with a request id so a view whose choice changed drops a late one.
* **Jobs with progress and cancel** (:class:`JobWorker`, and :class:`JobRunner` which gives a view
  one job at a time with a progress bar). A job is a plain function
  ``job(progress, cancelled) -> result`` (from ``desktop.core``) that reports
  ``progress(done, total)`` and polls ``cancelled()`` between batches.
* **Producers, newest item wins** (:class:`StreamWorker`): a loop that makes items until it is
  stopped (a camera's or a video's frames) or one slow look-up (which cameras there are). Items
  are not queued: a slow consumer gets the newest one.

The GUI thread never creates an onnxruntime session, runs a model, reads a folder or trains.
Signals are delivered queued to receivers that live in the GUI thread; connect them to methods
of GUI-thread QObjects (a plain function connected to a worker's signal runs in the worker thread).
"""

from desktop.ui.workers.jobs import Job, JobRunner, JobWorker
from desktop.ui.workers.latest import LatestRequestWorker, ModelWorker, not_loaded
from desktop.ui.workers.loads import BackgroundLoader, cannot_be_shown
from desktop.ui.workers.streams import NewestSlot, StreamWorker

__all__ = ["BackgroundLoader", "Job", "JobRunner", "JobWorker", "LatestRequestWorker", "ModelWorker", "NewestSlot",
           "StreamWorker", "cannot_be_shown", "not_loaded"]
