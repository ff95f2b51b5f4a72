import datetime as dt

import pandas as pd

from metrics.core.masking import mask_birth_date, mask_frame, mask_name, mask_phone


def test_masks() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李*"
    assert mask_name(None) is None
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("12345") == "*****"
    assert mask_birth_date(dt.date(1970, 5, 6)) == "--05-06"
    assert mask_birth_date("1970-05-06") == "--05-06"


def test_mask_frame_leaves_staff_names() -> None:
    frame = pd.DataFrame({"name": ["王芳"], "client_name": ["刘洋"], "phone": ["13800001234"]})
    masked = mask_frame(frame)
    assert masked.to_dict("records") == [
        {"name": "王芳", "client_name": "刘*", "phone": "138****1234"}
    ]
    assert frame.loc[0, "client_name"] == "刘洋"  # the input is not changed
