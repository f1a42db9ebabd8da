"""Meetings: the General Assembly, the Board and working groups; agendas, attendance, minutes."""
