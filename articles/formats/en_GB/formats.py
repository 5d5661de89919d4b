"""British English as the magazine writes it: day-month-year, and the 24-hour clock.

Only what differs from Django's own en_GB formats, which say "2:30 p.m.", is given here.
"""

TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 25 Mar 2027, 14:30
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 25/03/2027 14:30

# The first of each list is how a field shows a date; all of them are accepted when typed.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 25/03/2027
    "%d-%m-%Y",  # 25-03-2027
    "%d.%m.%Y",  # 25.03.2027
    "%d/%m/%y",  # 25/03/27
    "%Y-%m-%d",  # 2027-03-25
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",  # 25/03/2027 14:30
    "%d/%m/%Y %H:%M:%S",  # 25/03/2027 14:30:59
    "%d-%m-%Y %H:%M",  # 25-03-2027 14:30
    "%d-%m-%Y %H:%M:%S",  # 25-03-2027 14:30:59
    "%d.%m.%Y %H:%M",  # 25.03.2027 14:30
    "%d/%m/%y %H:%M",  # 25/03/27 14:30
    "%d/%m/%Y, %H:%M",  # 25/03/2027, 14:30
    "%d-%m-%Y, %H:%M",  # 25-03-2027, 14:30
    "%Y-%m-%d %H:%M",  # 2027-03-25 14:30
    "%Y-%m-%d %H:%M:%S",  # 2027-03-25 14:30:59
]
