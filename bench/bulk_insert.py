"""Inserting the bulk of the data set: through the models, in batches, without the rules."""


def bulk_insert(session, model, rows: list[dict]) -> list[int]:
    """Inserts rows through the model in one statement per batch; returns their ids in order."""
    from sqlalchemy import insert

    ids: list[int] = []
    for start in range(0, len(rows), 2000):
        batch = rows[start : start + 2000]
        if hasattr(model, "id"):
            ids += session.scalars(
                insert(model).returning(model.id, sort_by_parameter_order=True), batch
            ).all()
        else:
            session.execute(insert(model), batch)
    return ids
