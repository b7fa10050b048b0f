"""Signals of the career system, for apps above it (funding posts the expense of an approved sheet).

`pay_sheet_approved` is sent inside the approval's transaction with `pay_sheet=` the approved
`PaySheet`; a receiver that raises undoes the approval.
"""

from django.dispatch import Signal

pay_sheet_approved = Signal()
